/**
 * One proxied TCP connection: pick a server, connect, optionally send the PROXY v1 header, then move bytes
 * both ways with backpressure and no copies, forwarding half-closes and tearing both sides down on an error
 * or an abrupt close. Plain functions over one plain object per connection.
 *
 * Server to client, the server socket reads into one buffer of its own, reused for every read (`onread`), and
 * stops reading until each chunk has been handed to the client socket: no allocation per read, and the
 * buffer stays in cache, which costs about half the CPU per byte of `pipe()`. Client to server it is
 * `pipe()`, since Node offers `onread` only on sockets made by `connect()`, not on accepted ones.
 */
import { connect, type Socket } from 'node:net';
import type { TcpCounts } from './metrics';
import { CONNECT_TIMEOUT_MS } from './pool';
import type { BackendPool, Upstream } from './types';
import { proxyV1Header, type Endpoint } from './proxy-protocol';

/**
 * Bytes a server connection reads at a time, into its one reused buffer (held while the connection lives).
 * Larger reads cost less CPU per byte (measured: 16 KiB ≈ 0.7, 32 KiB ≈ 0.5, 256 KiB ≈ 0.4 CPU s/GB, against
 * ≈ 1.0 for `pipe()`); 32 KiB keeps most of the gain at a memory cost near HAProxy's two 16 KiB buffers.
 */
export const SERVER_READ_BUFFER_BYTES = 32 * 1024;

/** What connections need from their listener; replaced as a whole when the listener's configuration changes. */
export interface TcpRoute {
  /** The backend service's servers. */
  readonly pool: BackendPool;
  /** Whether each server connection starts with a PROXY v1 header. */
  readonly proxyProtocol: boolean;
  /** The listener's idle timeout, also applied to a server side left flushing after its client closed. */
  readonly idleTimeoutMs: number;
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
  /** Reading from the server is paused until the client socket has taken the last chunk. */
  waiting: boolean;
  /** Cancels the close the pool would do if the server were removed and its drain deadline passed. */
  cancelRetired: (() => void) | undefined;
}

/**
 * Proxies `client` (a plain or TLS socket, not yet read from) to a server of `route`. `source` and
 * `destination` are the client's address and the listener address it reached, for the PROXY header.
 * The client socket must have been created with `allowHalfOpen: true`; its idle timeout is the caller's
 * (destroying the client on timeout closes the server side too).
 */
export function proxyConnection(
  client: Socket,
  source: Endpoint,
  destination: Endpoint,
  route: TcpRoute,
  counters: TcpCounts,
): void {
  const conn: Connection = {
    client,
    source,
    destination,
    route,
    counters,
    upstream: undefined,
    connected: false,
    retried: false,
    waiting: false,
    cancelRetired: undefined,
  };
  client.on('error', () => destroyBoth(conn));
  client.on('close', () => onClientClose(conn));
  connectToServer(conn, undefined);
}

function connectToServer(conn: Connection, exclude: Upstream | undefined): void {
  const server = conn.route.pool.acquire(conn.source.address ?? '', exclude);
  if (server === undefined) {
    conn.counters.noServer++;
    conn.client.destroy();
    return;
  }
  const onFlushed = (): void => resumeServer(conn, upstream);
  const upstream = connect({
    host: server.address,
    port: server.port,
    allowHalfOpen: true,
    noDelay: true,
    onread: {
      buffer: Buffer.allocUnsafe(SERVER_READ_BUFFER_BYTES),
      callback: (bytes, buffer) => forwardToClient(conn, buffer as Buffer, bytes, onFlushed),
    },
  });
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
  conn.client.pipe(upstream);
  upstream.on('end', () => conn.client.end());
}

/**
 * Writes what the server sent to the client. True (read on) when the client socket took it at once, so the
 * read buffer is free again; else false, which pauses the server socket until `resumeServer`.
 */
function forwardToClient(conn: Connection, buffer: Buffer, bytes: number, onFlushed: () => void): boolean {
  const { client } = conn;
  client.write(bytes === buffer.length ? buffer : buffer.subarray(0, bytes), onFlushed);
  if (client.writableLength === 0) return true;
  conn.waiting = true;
  return false;
}

/** Called as each chunk leaves the client socket: reads from the server again once nothing is pending. */
function resumeServer(conn: Connection, upstream: Socket): void {
  if (!conn.waiting || conn.client.writableLength !== 0) return;
  conn.waiting = false;
  upstream.resume();
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
  conn.counters.bytesFromClients += client.bytesRead;
  conn.counters.bytesToClients += client.bytesWritten;
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
