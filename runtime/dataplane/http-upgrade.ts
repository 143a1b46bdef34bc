/**
 * Protocol upgrades (WebSocket and the like) on HTTP/HTTPS listeners. The upgrade request reaches a server as
 * any request does (session cookie, then the scheduler; X-Forwarded-For, -Proto and -Port added), with its
 * `Connection: upgrade` and `Upgrade` headers kept; from then on the connection is a byte tunnel in both
 * directions, with backpressure, closed when either side closes or stays silent for the idle timeout. The
 * server's answer passes verbatim: a 101 switches, anything else is the answer. Off the hot path: one
 * closure set per tunnel.
 */
import net, { type Socket } from 'node:net';
import { buildUpstreamHead, rawHeader, type Head } from './http-headers';
import { cookieServer, type HttpRoute, type UpgradeRequest } from './http-proxy';
import { CONNECT_TIMEOUT_MS } from './pool';

const REFUSALS: Record<number, string> = {
  502: 'HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 16\r\n\r\n502 Bad Gateway\n',
  503: 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 42\r\n\r\n503 Service Unavailable: no healthy server\n',
  504: 'HTTP/1.1 504 Gateway Timeout\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n\r\n504 Gateway Timeout\n',
};

/** The client side of a tunnel as its connection feeds it: the client's bytes, its end, its close. */
export interface TunnelFeed {
  /** Bytes from the client (in a buffer that may be reused: copied if kept). */
  data(chunk: Buffer): void;
  /** The client ended its side. */
  end(): void;
  /** The client connection closed. */
  close(): void;
}

/**
 * Tunnels `client` (whose upgrade request is `req`, with `head` the bytes already read past it) to a server.
 * The client connection keeps reading `client` and passes what it reads to the returned feed (so that a
 * socket reading in place, whose bytes never become `data` events, can be tunnelled too); the server's bytes
 * are piped to `client`.
 */
export function proxyUpgrade(route: HttpRoute, req: UpgradeRequest, client: Socket, head: Buffer, tunnels: Set<Socket>): TunnelFeed {
  const clientIp = client.remoteAddress ?? '';
  const server = cookieServer(route, rawHeader(req.raw, 'cookie', '; ')) ?? route.pool.acquire(clientIp);
  const ignored: TunnelFeed = { data: () => undefined, end: () => undefined, close: () => undefined };
  if (server === undefined) {
    refuse(route, client, 503);
    return ignored;
  }
  const request: Head = { head: '', flags: 0 };
  buildUpstreamHead(request, req.method, req.url, req.raw, clientIp, route.proto, route.port, client.localAddress);
  const upgrade = `connection: upgrade\r\nupgrade: ${rawHeader(req.raw, 'upgrade') ?? ''}\r\n\r\n`;
  const upstream = net.connect({ host: server.address, port: server.port, noDelay: true });
  let open = true;
  let connected = false;
  const close = (): void => {
    if (!open) return;
    open = false;
    tunnels.delete(client);
    client.destroy();
    upstream.destroy();
    route.pool.release(server);
  };
  const fail = (status: 502 | 504): void => {
    if (!open) return;
    open = false;
    tunnels.delete(client);
    upstream.destroy();
    route.pool.reportFailure(server);
    route.pool.release(server);
    refuse(route, client, status);
  };
  tunnels.add(client);
  // The client's bytes wait (paused) until the server is connected.
  client.pause();
  upstream.setTimeout(CONNECT_TIMEOUT_MS);
  upstream.once('connect', () => {
    connected = true;
    upstream.setTimeout(route.idleTimeoutMs);
    client.setTimeout(route.idleTimeoutMs);
    upstream.write(request.head.slice(0, -2) + upgrade, 'latin1');
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.resume();
  });
  upstream.on('drain', () => client.resume());
  upstream.on('error', () => (connected ? close() : fail(502)));
  upstream.on('timeout', () => (connected ? close() : fail(504)));
  upstream.on('close', () => connected && close());
  client.on('timeout', close);
  return {
    data(chunk) {
      if (open && !upstream.write(Buffer.from(chunk))) client.pause();
    },
    end() {
      if (open) upstream.end();
    },
    close,
  };
}

/** Answers an upgrade request that cannot be tunnelled, and closes the connection. */
function refuse(route: HttpRoute, client: Socket, status: 502 | 503 | 504): void {
  route.counts.responses[5]!++;
  client.write(REFUSALS[status]!, 'latin1');
  client.destroySoon();
}
