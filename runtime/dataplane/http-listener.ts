/**
 * HTTP and HTTPS listeners. One Node server per bound address (the load balancer's intranet address and its
 * EIP), all sharing the listener's route. Security groups are enforced before the HTTP (or TLS) layer sees a
 * connection; refused connections are closed at once and counted. HTTPS terminates TLS with the listener's
 * certificate, served whatever name the client asks for (SNI), and swapped in place when it changes.
 */
import http from 'node:http';
import https from 'node:https';
import type { Server, Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import { proxyRequest, type HttpRoute } from './http-proxy';
import { proxyUpgrade } from './http-upgrade';
import { closeBytes, openBytes, type ByteCounts, type DataPlaneMetrics } from './metrics';
import type { Pool } from './pool';
import { compileIngress, type IngressCheck } from './security-group';
import { cookieAttributes } from './session-cookie';
import type { ListenerConfig, ListenerRuntime } from './types';

/** Protocol limits of HTTP listeners (request smuggling and slowloris defences). */
export interface HttpLimits {
  /** The most bytes of request line and headers; more is answered 431. @default 16384 */
  readonly maxHeaderBytes: number;
  /** The most request headers; more is answered 431. @default 100 */
  readonly maxHeaders: number;
  /** Time a client has to send the complete request headers; then 408 and close. @default 10000 */
  readonly headersTimeoutMs: number;
}

/** The default protocol limits. */
export const DEFAULT_HTTP_LIMITS: HttpLimits = { maxHeaderBytes: 16384, maxHeaders: 100, headersTimeoutMs: 10000 };

/**
 * Extra time a connection with a request in flight may stay silent beyond the idle timeout, so that a stalled
 * server is answered with 504 (its own idle timeout) before the client connection is dropped.
 */
const SOCKET_TIMEOUT_GRACE_MS = 1000;

/**
 * Node closes an idle keep-alive connection 1 s after the `keepAliveTimeout` it announces to clients; the
 * announced value is lowered by as much so that connections close at the listener's idle timeout.
 */
const NODE_KEEP_ALIVE_BUFFER_MS = 1000;

/** The `keepAliveTimeout` that makes Node close idle connections after `idleTimeoutMs`. */
function keepAliveTimeout(idleTimeoutMs: number): number {
  return Math.max(idleTimeoutMs - NODE_KEEP_ALIVE_BUFFER_MS, idleTimeoutMs / 2);
}

/** How often a draining listener closes connections that went idle. */
const DRAIN_POLL_MS = 50;

/** An HTTP or HTTPS listener. */
export class HttpListener implements ListenerRuntime {
  private route: HttpRoute;
  private allows: IngressCheck;
  private config: ListenerConfig;
  private readonly servers: Array<http.Server | https.Server> = [];
  /** Client connections upgraded into tunnels (the HTTP server no longer tracks them). */
  private readonly tunnels = new Set<Socket>();
  /** Whether this listener holds its id in the metrics (from start to the end of stop). */
  private holding = false;

  constructor(
    config: ListenerConfig,
    private readonly metrics: DataPlaneMetrics,
    private readonly limits: HttpLimits = DEFAULT_HTTP_LIMITS,
  ) {
    this.config = config;
    this.route = this.buildRoute(config);
    this.allows = compileIngress(config.ingress, config.port);
  }

  async start(): Promise<void> {
    // Held from the start, so that a replaced listener draining meanwhile cannot forget the counts this one uses.
    this.holding = true;
    this.metrics.holdListener(this.config.id);
    try {
      for (const address of this.config.addresses) {
        const server = this.createServer();
        this.servers.push(server);
        await listen(server, address, this.config.port);
      }
    } catch (error) {
      await this.stop(0);
      throw error;
    }
  }

  /** Applies a changed configuration; throws (changing nothing) when a new certificate is unusable. */
  update(config: ListenerConfig): void {
    const previous = this.config;
    const tls = config.tls;
    if (tls && (tls.cert !== previous.tls?.cert || tls.key !== previous.tls?.key)) {
      const context = { cert: tls.cert, key: tls.key };
      certificateError(config, () => createSecureContext(context));
      for (const server of this.servers) (server as https.Server).setSecureContext(context);
    }
    this.config = config;
    this.route = this.buildRoute(config);
    this.allows = compileIngress(config.ingress, config.port);
    for (const server of this.servers) {
      server.keepAliveTimeout = keepAliveTimeout(config.idleTimeoutMs);
      server.timeout = config.idleTimeoutMs + SOCKET_TIMEOUT_GRACE_MS;
    }
  }

  async stop(deadlineMs: number): Promise<void> {
    this.route.draining = true;
    const closed = this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    const poll = setInterval(() => this.servers.forEach((server) => server.closeIdleConnections()), DRAIN_POLL_MS);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)))]);
    clearInterval(poll);
    clearTimeout(timer);
    for (const server of this.servers) server.closeAllConnections();
    for (const tunnel of this.tunnels) tunnel.destroy();
    await Promise.all(closed);
    this.servers.length = 0;
    // A listener rebound under the same id (HTTP to HTTPS…) holds it too: its series stay.
    if (this.holding) this.metrics.releaseListener(this.config.id);
    this.holding = false;
  }

  private buildRoute(config: ListenerConfig): HttpRoute {
    const persistence = config.backend.sessionPersistence;
    return {
      listenerId: config.id,
      pool: config.pool as Pool,
      proto: config.protocol === 'HTTPS' ? 'https' : 'http',
      port: String(config.port),
      idleTimeoutMs: config.idleTimeoutMs,
      cookieName: persistence.enabled ? persistence.cookieName : undefined,
      cookieAttributes: cookieAttributes(persistence, config.protocol === 'HTTPS'),
      maxHeaders: this.limits.maxHeaders,
      counts: this.metrics.httpCountsOf(config.id),
      draining: this.route?.draining ?? false,
    };
  }

  private createServer(): http.Server | https.Server {
    const { config, limits } = this;
    const options: http.ServerOptions = {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: 0,
      keepAliveTimeout: keepAliveTimeout(config.idleTimeoutMs),
      connectionsCheckingInterval: Math.min(1000, Math.max(100, limits.headersTimeoutMs / 4)),
      noDelay: true,
      requireHostHeader: true,
    };
    const tls = { cert: config.tls?.cert, key: config.tls?.key, ALPNProtocols: ['http/1.1'], handshakeTimeout: limits.headersTimeoutMs };
    const server =
      config.protocol === 'HTTPS'
        ? certificateError(config, () => https.createServer({ ...options, ...tls }))
        : http.createServer(options);
    server.timeout = config.idleTimeoutMs + SOCKET_TIMEOUT_GRACE_MS;
    server.maxHeadersCount = limits.maxHeaders + 1;
    server.on('request', (req, res) => proxyRequest(this.route, req, res));
    server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => proxyUpgrade(this.route, req, socket, head, this.tunnels));
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => this.clientError(error, socket));
    guardConnections(server, (socket) => this.admit(socket));
    // HTTPS counts the bytes inside TLS, as TLS listeners and HAProxy do.
    if (config.protocol === 'HTTPS') server.on('secureConnection', (socket: Socket) => this.countBytes(socket));
    return server;
  }

  /** Counts a client connection's bytes (see `openBytes`). */
  private countBytes(socket: Socket): void {
    const counts = this.route.counts;
    (socket as CountedSocket)[COUNTS] = counts;
    openBytes(counts, socket);
    socket.once('close', onClientClose);
  }

  /** Security group check at accept. */
  private admit(socket: Socket): boolean {
    if (this.allows(socket.remoteAddress)) {
      this.metrics.connections.labels(this.config.id).inc();
      if (this.config.protocol === 'HTTP') this.countBytes(socket);
      return true;
    }
    this.metrics.refused.labels(this.config.id).inc();
    socket.destroy();
    return false;
  }

  /** A request the parser refused (smuggling attempts, oversized or slow headers): answer and close. */
  private clientError(error: NodeJS.ErrnoException, socket: Socket): void {
    const pending = (socket as Socket & { _httpMessage?: http.ServerResponse })._httpMessage;
    if (error.code !== 'ECONNRESET' && socket.writable && (pending === undefined || !pending.headersSent)) {
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      this.route.counts.responses[4]!++;
    }
    socket.destroy();
  }
}

const COUNTS = Symbol('albkit.counts');
type CountedSocket = Socket & { [COUNTS]: ByteCounts };

/** A client connection closed: its bytes join the listener's totals (upgraded tunnels included). */
function onClientClose(this: CountedSocket): void {
  closeBytes(this[COUNTS], this);
}

/**
 * Runs `make`, turning a certificate or key that TLS refuses into an error naming the listener and field.
 * Used by the TCP/TLS listeners too.
 */
export function certificateError<T>(config: ListenerConfig, make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw new Error(`${config.id}: certificate: ${(error as Error).message}`);
  }
}

/** Runs `admit` on every new connection before the server's own handling; refused sockets go no further. */
function guardConnections(server: http.Server | https.Server, admit: (socket: Socket) => boolean): void {
  const handlers = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    if (!admit(socket)) return;
    for (const handler of handlers) handler.call(server, socket);
  });
}

/** Binds `server` to `address`:`port`; rejects with a readable reason. Used by the TCP/TLS listeners too. */
export function listen(server: Server, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const why =
        error.code === 'EADDRINUSE'
          ? 'the port is in use'
          : error.code === 'EADDRNOTAVAIL'
            ? `${address} is not an address of this host`
            : error.message;
      reject(new Error(`cannot bind ${address}:${port}: ${why}`));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: address, port, exclusive: true });
  });
}
