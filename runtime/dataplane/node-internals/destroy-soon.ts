/**
 * `socket.destroySoon()`: ends the writable side and destroys the socket once what was written is flushed,
 * whatever the peer does. It is public on `net.Socket` but undocumented; `node:http` closes its connections
 * with it.
 */
import type { Socket } from 'node:net';

/** Closes `socket` once what was written to it is flushed (see the file's comment). */
export function closeWhenFlushed(socket: Socket): void {
  socket.destroySoon();
}
