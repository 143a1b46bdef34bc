/**
 * A `tls.Server` starts TLS on a socket through the `'connection'` listener its constructor installs (Node
 * names it `tlsConnectionListener`). The HTTPS listeners put a check in front of that listener, and the TLS
 * listeners accept on a plain server and hand sockets to a `tls.Server` by emitting `'connection'` on it.
 */
import type { Socket } from 'node:net';
import type { Server as TlsServer } from 'node:tls';

/** Runs `admit` on every new connection before the TLS server's own handling; refused sockets go no further. */
export function guardConnections(server: TlsServer, admit: (socket: Socket) => boolean): void {
  const handlers = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    if (!admit(socket)) return;
    for (const handler of handlers) handler.call(server, socket);
  });
}

/** Starts TLS on `socket`, accepted by another server, as if `server` had accepted it. */
export function handToTls(server: TlsServer, socket: Socket): void {
  server.emit('connection', socket);
}
