/**
 * One proxied TCP connection: pick a server, connect, optionally send the PROXY v1 header, then move bytes
 * both ways with backpressure and no copies, forwarding half-closes and tearing both sides down on an error
 * or an abrupt close. Plain functions over one plain object per connection.
 *
 * Each side reads into one buffer of its own, reused for every read (`onread`), and stops reading until each
 * chunk has been handed to the other side: no allocation per read and no page faults, the buffer stays in
 * cache, which costs about half the CPU per byte of `pipe()`. Node offers `onread` only through the
 * `net.Socket` constructor, so an accepted plain TCP socket's handle is moved into a new socket made with it
 * (`proxyAccepted`); a TLS client socket is read through `pipe()`.
 */
import { connect, type Socket } from 'node:net';
import { closeBytes, openBytes, type TcpCounts } from './metrics';
import { CONNECT_TIMEOUT_MS } from './pool';
import type { BackendPool, Upstream } from './types';
import { proxyV1Header, type Endpoint } from './proxy-protocol';
import { moveToReadInPlace } from './node-internals/read-in-place';

/**
 * Bytes each side of a connection reads at a time, into its one reused buffer (held while the connection
 * lives). Larger reads cost less CPU per byte (measured server to client: 16 KiB ≈ 0.7, 32 KiB ≈ 0.5,
 * 256 KiB ≈ 0.4 CPU s/GB, against ≈ 1.0 for `pipe()`); 32 KiB keeps most of the gain at a memory cost near
 * HAProxy's two 16 KiB buffers.
 */
export const READ_BUFFER_BYTES = 32 * 1024;

/** What connections need from their listener; replaced as a whole when the listener's configuration changes. */
export interface TcpRoute {
  /** The backend service's servers. */
  readonly pool: BackendPool;
  /** Whether each server connection starts with a PROXY v1 header. */
  readonly proxyProtocol: boolean;
  /** The listener's idle timeout, also applied to a server side left flushing after its client closed. */
  readonly idleTimeoutMs: number;
}

/** One direction of a connection read into a reused buffer: reading `from` waits while `to` holds a chunk. */
interface Direction {
  readonly from: Socket;
  readonly to: Socket;
  /** Reading is paused until `to` has taken the last chunk. */
  waiting: boolean;
  /** Called as each chunk leaves `to`. */
  readonly onFlushed: () => void;
}

/** A connection's state: the client side, the server side once picked, and where it came from and went to. */
interface Connection {
  readonly client: Socket;
  readonly source: Endpoint;
  readonly destination: Endpoint;
  readonly route: TcpRoute;
  readonly counters: TcpCounts;
  upstream: Socket | undefined;
  connected: boolean;
  retried: boolean;
  /** Whether the client socket reads into a reused buffer (`proxyAccepted`) rather than through `pipe()`. */
  readonly clientReadsInPlace: boolean;
  /** Client to server, once connected, when the client reads in place. */
  up: Direction | undefined;
  /** Cancels the close the pool would do if the server were removed and its drain deadline passed. */
  cancelRetired: (() => void) | undefined;
}

/**
 * Proxies `client` (a TLS socket, or a plain one Node's internals did not let `proxyAccepted` take over) to a
 * server of `route`. `source` and `destination` are the client's address and the listener address it
 * reached, for the PROXY header. The client socket must have been created with `allowHalfOpen: true`; its
 * idle timeout is the caller's (destroying the client on timeout closes the server side too).
 */
export function proxyConnection(
  client: Socket,
  source: Endpoint,
  destination: Endpoint,
  route: TcpRoute,
  counters: TcpCounts,
): void {
  start(client, source, destination, route, counters, false);
}

/**
 * Proxies a plain TCP socket just accepted by a server made with `pauseOnConnect: true` and `allowHalfOpen:
 * true`, and returns the socket that carries the connection from now on, for the caller to track and time
 * out. The accepted handle moves into a socket made with `onread`, so that the client side reads into a
 * reused buffer too; if the accepted socket has no handle to move (Node's internals changed), it is proxied as
 * it is.
 */
export function proxyAccepted(accepted: Socket, route: TcpRoute, counters: TcpCounts): Socket {
  const source = { address: accepted.remoteAddress, port: accepted.remotePort };
  const destination = { address: accepted.localAddress, port: accepted.localPort };
  const client = moveToReadInPlace(accepted, {
    buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
    callback: (bytes, buffer) => forward(conn.up!, buffer as Buffer, bytes),
  });
  if (client === undefined) {
    proxyConnection(accepted, source, destination, route, counters);
    return accepted;
  }
  // Created paused: nothing is read (so `conn` is not used) before the server connection is up.
  const conn = start(client, source, destination, route, counters, true);
  return client;
}

function start(
  client: Socket,
  source: Endpoint,
  destination: Endpoint,
  route: TcpRoute,
  counters: TcpCounts,
  clientReadsInPlace: boolean,
): Connection {
  const conn: Connection = {
    client,
    source,
    destination,
    route,
    counters,
    upstream: undefined,
    connected: false,
    retried: false,
    clientReadsInPlace,
    up: undefined,
    cancelRetired: undefined,
  };
  client.on('error', () => destroyBoth(conn));
  openBytes(counters, client);
  client.on('close', () => onClientClose(conn));
  connectToServer(conn, undefined);
  return conn;
}

function connectToServer(conn: Connection, exclude: Upstream | undefined): void {
  const server = conn.route.pool.acquire(conn.source.address ?? '', exclude);
  if (server === undefined) {
    conn.counters.noServer++;
    conn.client.destroy();
    return;
  }
  const upstream = connect({
    host: server.address,
    port: server.port,
    allowHalfOpen: true,
    noDelay: true,
    onread: {
      buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
      callback: (bytes, buffer) => forward(down, buffer as Buffer, bytes),
    },
  });
  const down = direction(upstream, conn.client);
  conn.upstream = upstream;
  upstream.setTimeout(CONNECT_TIMEOUT_MS);
  upstream.on('connect', () => onConnected(conn, upstream, server));
  upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
  upstream.on('error', () => onUpstreamError(conn, upstream, server));
  upstream.on('close', () => onUpstreamClose(conn, upstream, server));
}

function onConnected(conn: Connection, upstream: Socket, server: Upstream): void {
  conn.connected = true;
  upstream.setTimeout(0);
  if (conn.client.destroyed) {
    upstream.destroy();
    return;
  }
  conn.cancelRetired = conn.route.pool.onRetired(server, () => destroyBoth(conn));
  if (conn.route.proxyProtocol) upstream.write(proxyV1Header(conn.source, conn.destination));
  upstream.on('end', () => conn.client.end());
  if (!conn.clientReadsInPlace) {
    conn.client.pipe(upstream);
    return;
  }
  conn.up = direction(conn.client, upstream);
  conn.client.on('end', () => upstream.end());
  conn.client.resume();
}

function direction(from: Socket, to: Socket): Direction {
  const dir: Direction = { from, to, waiting: false, onFlushed: () => resumeReading(dir) };
  return dir;
}

/**
 * Writes a chunk read into `from`'s buffer to the other side. True (read on) when that socket took it at
 * once, so the buffer is free again; else false, which pauses `from` until `resumeReading`.
 */
function forward(dir: Direction, buffer: Buffer, bytes: number): boolean {
  const { to } = dir;
  to.write(bytes === buffer.length ? buffer : buffer.subarray(0, bytes), dir.onFlushed);
  if (to.writableLength === 0) return true;
  dir.waiting = true;
  return false;
}

/** Called as each chunk leaves `to`: reads from `from` again once nothing is pending. */
function resumeReading(dir: Direction): void {
  if (!dir.waiting || dir.to.writableLength !== 0) return;
  dir.waiting = false;
  dir.from.resume();
}

function onUpstreamError(conn: Connection, upstream: Socket, server: Upstream): void {
  if (conn.connected) {
    conn.client.destroy();
    return;
  }
  conn.counters.connectFailures++;
  conn.route.pool.reportFailure(server);
  if (conn.upstream !== upstream || conn.client.destroyed) return;
  // Nothing has been sent to this server yet, so one more server can be tried without risk.
  if (conn.retried) {
    conn.counters.noServer++;
    conn.client.destroy();
    return;
  }
  conn.retried = true;
  connectToServer(conn, server);
}

function onUpstreamClose(conn: Connection, upstream: Socket, server: Upstream): void {
  conn.route.pool.release(server);
  if (conn.upstream !== upstream) return;
  conn.cancelRetired?.();
  if (conn.connected && !closedCleanly(upstream)) conn.client.destroy();
}

function onClientClose(conn: Connection): void {
  const { client, upstream } = conn;
  closeBytes(conn.counters, client);
  if (upstream === undefined || upstream.destroyed) return;
  if (!conn.connected || !closedCleanly(client)) {
    upstream.destroy();
  } else {
    // The client is done; the server side may still be flushing what it sent. Bound that like any idle wait.
    upstream.setTimeout(conn.route.idleTimeoutMs);
  }
}

/** Both directions finished normally: the peer's end was read and ours was flushed. */
function closedCleanly(socket: Socket): boolean {
  return socket.readableEnded && socket.writableFinished;
}

function destroyBoth(conn: Connection): void {
  conn.client.destroy();
  conn.upstream?.destroy();
}
