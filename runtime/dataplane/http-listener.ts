/**
 * HTTP and HTTPS listeners. One server per bound address (the load balancer's intranet address and its EIP),
 * all sharing the listener's route: a plain `net.Server`, or a `tls.Server` for HTTPS, whose connections are
 * served by `ClientConnection` (http-connection.ts) on Node's HTTP parser directly. Security groups are
 * enforced before the HTTP (or TLS) layer sees a connection; refused connections are closed at once and
 * counted. HTTPS terminates TLS with the listener's certificate, served whatever name the client asks for
 * (SNI), and swapped in place when it changes. One sweep per listener enforces the time limits.
 */
import net, { type Server, type Socket } from 'node:net';
import tls, { createSecureContext } from 'node:tls';
import { BindError, CertificateError } from './errors';
import { tick } from './http-clock';
import { ClientConnection, onReadInPlace } from './http-connection';
import { readBuffer } from './node-internals/http-parser';
import { moveToReadInPlace, type ReadInPlace } from './node-internals/read-in-place';
import { guardConnections } from './node-internals/tls-connections';
import type { HttpRoute } from './http-proxy';
import { closeBytes, openBytes, type ByteCounts, type DataPlaneMetrics } from './metrics';
import { closeDisallowed, compileIngress, type IngressCheck } from './security-group';
import { bindRules } from './routing/rule-actions';
import { newMirrorCounts } from './routing/mirror';
import { routeTarget } from './routing/target';
import { TLS_POLICY } from './tls-policy';
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
 * The keep-alive timeout announced to clients (`Keep-Alive: timeout=…`) is a second short of the idle
 * timeout that closes their connections (at most half of it off), so that they do not reuse a connection as
 * it closes.
 */
const KEEP_ALIVE_HINT_MARGIN_MS = 1000;

/** The `Keep-Alive` timeout, in seconds, announced for an idle timeout of `idleTimeoutMs`. */
function keepAliveHintSeconds(idleTimeoutMs: number): number {
  return Math.floor(Math.max(idleTimeoutMs - KEEP_ALIVE_HINT_MARGIN_MS, idleTimeoutMs / 2) / 1000);
}

/** How plain HTTP client connections read: into the buffer shared with the upstream connections. */
const IN_PLACE: ReadInPlace = { buffer: readBuffer, callback: onReadInPlace };

/** How often a draining listener closes connections that went idle. */
const DRAIN_POLL_MS = 50;

/** The sweep period for a headers timeout: a quarter of it, between 25 and 250 ms. */
function sweepPeriodMs(headersTimeoutMs: number): number {
  return Math.min(250, Math.max(25, headersTimeoutMs / 4));
}

/** An HTTP or HTTPS listener. */
export class HttpListener implements ListenerRuntime {
  /** The route requests take now; replaced as a whole on each configuration change. */
  route: HttpRoute;
  /** Open client connections served as HTTP. */
  readonly connections = new Set<ClientConnection>();
  /** Client connections upgraded into tunnels. */
  readonly tunnels = new Set<Socket>();
  /** Every accepted connection (TLS ones from before their handshake), destroyed at the stop deadline. */
  private readonly accepted = new Set<Socket>();
  private allows: IngressCheck;
  private config: ListenerConfig;
  private readonly servers: Server[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  /** Whether this listener holds its id in the metrics (from start to the end of stop). */
  private holding = false;
  /** Requests its url map's rules mirrored, kept across changes. */
  private readonly mirrors = newMirrorCounts();

  constructor(
    config: ListenerConfig,
    private readonly metrics: DataPlaneMetrics,
    private readonly limits: HttpLimits = DEFAULT_HTTP_LIMITS,
  ) {
    this.config = config;
    this.route = this.buildRoute(config, false);
    this.allows = compileIngress(config.ingress, config.port);
  }

  async start(): Promise<void> {
    // Held from the start, so that a replaced listener draining meanwhile cannot forget the counts this one uses.
    this.holding = true;
    this.metrics.holdListener(this.config.id);
    this.sweeper = setInterval(() => this.sweep(), sweepPeriodMs(this.limits.headersTimeoutMs));
    this.sweeper.unref();
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
      const context = { ...TLS_POLICY, cert: tls.cert, key: tls.key };
      certificateError(config, () => createSecureContext(context));
      for (const server of this.servers) (server as tls.Server).setSecureContext(context);
    }
    this.config = config;
    this.route = this.buildRoute(config, this.route.draining);
    if (config.ingress !== previous.ingress) {
      this.allows = compileIngress(config.ingress, config.port);
      closeDisallowed(this.accepted, this.allows);
    }
  }

  async stop(deadlineMs: number): Promise<void> {
    this.route.draining = true;
    const closed = this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    // Until every connection closed (tunnels included) or the deadline: idle ones now, busy ones when done.
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      this.closeIdle();
      if (this.accepted.size === 0 || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(DRAIN_POLL_MS, deadline - Date.now())));
    }
    for (const socket of this.accepted) socket.destroy();
    await Promise.all(closed);
    clearInterval(this.sweeper);
    this.servers.length = 0;
    // A listener rebound under the same id (HTTP to HTTPS…) holds it too: its series stay.
    if (this.holding) this.metrics.releaseListener(this.config.id);
    this.holding = false;
  }

  private buildRoute(config: ListenerConfig, draining: boolean): HttpRoute {
    const secure = config.protocol === 'HTTPS';
    const { urlMap } = config;
    return {
      listenerId: config.id,
      target: routeTarget(config.backendServiceId, config.backend, config.pool, secure),
      rules:
        urlMap === undefined
          ? undefined
          : bindRules(
              urlMap,
              secure,
              (priority) => this.metrics.ruleCountsOf(config.id, urlMap.id, priority),
              this.mirrors,
            ),
      proto: config.protocol === 'HTTPS' ? 'https' : 'http',
      port: String(config.port),
      idleTimeoutMs: config.idleTimeoutMs,
      keepAliveLines: `connection: keep-alive\r\nkeep-alive: timeout=${keepAliveHintSeconds(config.idleTimeoutMs)}\r\n`,
      maxHeaders: this.limits.maxHeaders,
      bodyGraceMs: config.requestBody.graceMs,
      bodyMinBytesPerSecond: config.requestBody.minBytesPerSecond,
      counts: this.metrics.httpCountsOf(config.id),
      draining,
    };
  }

  /** Closes the connections with no request being answered (while draining). */
  private closeIdle(): void {
    for (const connection of this.connections) if (connection.idle) connection.socket.destroy();
  }

  /** Enforces the headers, idle and in-flight time limits on every connection. */
  private sweep(): void {
    const time = tick();
    const { headersTimeoutMs } = this.limits;
    const { idleTimeoutMs, draining } = this.route;
    for (const connection of this.connections)
      connection.checkTimeouts(time, headersTimeoutMs, idleTimeoutMs, draining);
  }

  private createServer(): Server {
    const { config, limits } = this;
    const options = { allowHalfOpen: true, noDelay: true };
    if (config.protocol !== 'HTTPS') {
      // Accepted paused, so that the connection's handle can move into a socket reading in place first.
      const server = net.createServer({ ...options, pauseOnConnect: true });
      server.on('connection', (accepted: Socket) => {
        if (!this.admit(accepted)) return;
        const socket = moveToReadInPlace(accepted, IN_PLACE) ?? accepted.resume();
        this.track(socket);
        this.countBytes(socket);
        this.serve(socket, socket !== accepted);
      });
      return server;
    }
    const tlsOptions = {
      ...options,
      ...TLS_POLICY,
      cert: config.tls?.cert,
      key: config.tls?.key,
      ALPNProtocols: ['http/1.1'],
      handshakeTimeout: limits.headersTimeoutMs,
    };
    const server = certificateError(config, () => tls.createServer(tlsOptions));
    guardConnections(server, (socket) => this.admit(socket) && (this.track(socket), true));
    // HTTPS counts the bytes inside TLS, as TLS listeners and HAProxy do.
    server.on('secureConnection', (socket: tls.TLSSocket) => {
      this.countBytes(socket);
      this.serve(socket, false);
    });
    server.on('tlsClientError', (_error: Error, socket: tls.TLSSocket) => socket.destroy());
    return server;
  }

  /** Serves HTTP on a client connection (see `ClientConnection` for `readsInPlace`). */
  private serve(socket: Socket, readsInPlace: boolean): void {
    if (this.route.draining) {
      socket.destroy();
      return;
    }
    new ClientConnection(this, socket, this.limits.maxHeaderBytes, readsInPlace);
  }

  /** Keeps `socket` in the set closed at the stop deadline until it closes. */
  private track(socket: Socket): void {
    this.accepted.add(socket);
    (socket as AcceptedSocket)[ACCEPTED] = this.accepted;
    socket.once('close', onAcceptedClose);
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
      return true;
    }
    this.metrics.refused.labels(this.config.id).inc();
    socket.destroy();
    return false;
  }
}

const ACCEPTED = Symbol('albkit.accepted');
type AcceptedSocket = Socket & { [ACCEPTED]: Set<Socket> };

/** An accepted connection closed: the listener no longer has to close it on stop. */
function onAcceptedClose(this: AcceptedSocket): void {
  this[ACCEPTED].delete(this);
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
    throw new CertificateError(`${config.id}: certificate: ${(error as Error).message}`);
  }
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
      reject(new BindError(`cannot bind ${address}:${port}: ${why}`));
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
