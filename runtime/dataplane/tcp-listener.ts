/**
 * TCP and TLS listeners: bind the load balancer's addresses, enforce its security groups at accept, terminate
 * TLS with the listener's certificate (protocol TLS), and proxy each connection to a server of the backend
 * service (see tcp-connection.ts). Configuration changes apply in place; stopping drains connections.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { CertificateError } from './errors';
import type { ListenerConfig, ListenerRuntime } from './types';
import { certificateError, listen } from './http-listener';
import { closeDisallowed, compileIngress, type IngressCheck } from './security-group';
import { TLS_POLICY } from './tls-policy';
import { newTcpCounts, type TcpCounts } from './metrics';
import { proxyAccepted, proxyConnection, type TcpRoute } from './tcp-connection';
import { handToTls } from './node-internals/tls-connections';

/** The longest a TLS handshake may take, unless the idle timeout is shorter. */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** A running TCP or TLS listener, with what status and tests read. */
export interface TcpListenerRuntime extends ListenerRuntime {
  /** Its counts (the ones in the data plane's metrics when it has them); open connections' bytes are in `open`. */
  readonly counters: Readonly<TcpCounts>;
  /** Connections open now (including TLS handshakes in progress). */
  readonly activeConnections: number;
  /** The addresses and ports bound now (the real port when the configuration asked for port 0). */
  readonly boundAddresses: readonly { address: string; port: number }[];
}

/**
 * A listener for protocol `TCP`, or `TLS` (terminating TLS with `config.tls`), forwarding connections to
 * `config.pool`. Nothing is bound until `start()`.
 */
export function createTcpListener(config: ListenerConfig): TcpListenerRuntime {
  return new TcpListener(config);
}

class TcpListener implements TcpListenerRuntime {
  readonly counters: TcpCounts;
  #config: ListenerConfig;
  #route: TcpRoute;
  #allows: IngressCheck;
  /** The port bound: the configured one, or the one the first bind picked when that is 0 (tests). */
  #port: number;
  readonly #servers: Server[] = [];
  /** Client sockets (for TLS, the TCP socket under the TLS one: closing it closes both). */
  readonly #live = new Set<Socket>();
  readonly #tls: TlsServer | undefined;
  #stopping = false;
  /** Whether this listener holds its id in the metrics (from start to the end of stop). */
  #holding = false;
  /** The metrics children of this listener, bound once. */
  readonly #counted: { accepted?: { inc(): void }; refused?: { inc(): void } };
  #onDrained: (() => void) | undefined;

  constructor(config: ListenerConfig) {
    this.#config = config;
    this.#route = routeOf(config);
    this.#port = config.port;
    this.counters = config.metrics?.tcpCountsOf(config.id) ?? newTcpCounts();
    this.#counted = {
      accepted: config.metrics?.connections.labels(config.id),
      refused: config.metrics?.refused.labels(config.id),
    };
    this.#allows = compileIngress(config.ingress, config.port);
    if (config.protocol === 'TLS') {
      const tls = config.tls;
      if (tls === undefined) throw new CertificateError(`${config.id}: certificate: a TLS listener needs one`);
      const options = {
        ...TLS_POLICY,
        cert: tls.cert,
        key: tls.key,
        allowHalfOpen: true,
        handshakeTimeout: Math.min(TLS_HANDSHAKE_TIMEOUT_MS, config.idleTimeoutMs),
      };
      this.#tls = certificateError(config, () => createTlsServer(options));
      this.#tls.on('secureConnection', (socket: TLSSocket) => this.#proxyTls(socket));
      // A failed handshake destroys its socket; there is nothing to forward.
      this.#tls.on('tlsClientError', () => undefined);
    } else if (config.protocol !== 'TCP') {
      throw new Error(`${config.id}: protocol: ${config.protocol} is not served by the TCP data plane`);
    }
  }

  get activeConnections(): number {
    return this.#live.size;
  }

  get boundAddresses(): { address: string; port: number }[] {
    return this.#servers.map((server) => server.address() as { address: string; port: number });
  }

  async start(): Promise<void> {
    // Held from the start, so that a replaced listener draining meanwhile cannot forget the counts this one uses.
    this.#holding = this.#config.metrics !== undefined;
    this.#config.metrics?.holdListener(this.#config.id);
    try {
      for (const address of this.#config.addresses) {
        const server = await this.#bind(address);
        this.#servers.push(server);
        if (this.#port === 0) {
          this.#port = (server.address() as { port: number }).port;
          this.#allows = compileIngress(this.#config.ingress, this.#port);
        }
      }
    } catch (error) {
      await this.#closeServers();
      this.#release();
      throw error;
    }
  }

  /** Applies a changed configuration; throws (changing nothing) when a new certificate is unusable. */
  update(config: ListenerConfig): void {
    const previous = this.#config;
    const server = this.#tls;
    const tls = config.tls;
    if (
      server !== undefined &&
      tls !== undefined &&
      (tls.cert !== previous.tls?.cert || tls.key !== previous.tls?.key)
    ) {
      certificateError(config, () => server.setSecureContext({ ...TLS_POLICY, cert: tls.cert, key: tls.key }));
    }
    this.#config = config;
    this.#route = routeOf(config);
    if (config.ingress !== previous.ingress) {
      this.#allows = compileIngress(config.ingress, this.#port);
      closeDisallowed(this.#live, this.#allows);
    }
    if (config.idleTimeoutMs !== previous.idleTimeoutMs) {
      for (const socket of this.#live) socket.setTimeout(config.idleTimeoutMs);
    }
  }

  async stop(deadlineMs: number): Promise<void> {
    this.#stopping = true;
    const closed = this.#closeServers();
    if (this.#live.size > 0) {
      const drained = new Promise<void>((resolve) => (this.#onDrained = resolve));
      const deadline = setTimeout(() => {
        for (const socket of this.#live) socket.destroy();
      }, deadlineMs);
      await drained;
      clearTimeout(deadline);
    }
    await closed;
    this.#release();
  }

  #release(): void {
    if (this.#holding) this.#config.metrics?.releaseListener(this.#config.id);
    this.#holding = false;
  }

  async #bind(address: string): Promise<Server> {
    // Plain TCP sockets are accepted paused, for `proxyAccepted` to take their handle before anything is read.
    const server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: this.#tls === undefined });
    server.on('connection', (socket) => this.#onAccept(socket));
    await listen(server, address, this.#port);
    return server;
  }

  #onAccept(socket: Socket): void {
    if (this.#stopping) {
      socket.destroy();
      return;
    }
    if (!this.#allows(socket.remoteAddress)) {
      this.#counted.refused?.inc();
      socket.destroy();
      return;
    }
    this.#counted.accepted?.inc();
    if (this.#tls === undefined) {
      this.#track(proxyAccepted(socket, this.#route, this.counters));
    } else {
      this.#track(socket);
      socket.on('error', () => socket.destroy());
      handToTls(this.#tls, socket);
    }
  }

  /** Counts a client socket as live until it closes, and closes it when idle. */
  #track(socket: Socket): void {
    this.#live.add(socket);
    socket.setTimeout(this.#config.idleTimeoutMs);
    socket.on('timeout', () => socket.destroy());
    socket.on('close', () => this.#onClose(socket));
  }

  #proxyTls(client: TLSSocket): void {
    const source = { address: client.remoteAddress, port: client.remotePort };
    const destination = { address: client.localAddress, port: client.localPort };
    proxyConnection(client, source, destination, this.#route, this.counters);
  }

  #onClose(socket: Socket): void {
    this.#live.delete(socket);
    if (this.#live.size === 0) this.#onDrained?.();
  }

  async #closeServers(): Promise<void> {
    const servers = this.#servers.splice(0);
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

function routeOf(config: ListenerConfig): TcpRoute {
  return { pool: config.pool, proxyProtocol: config.backend.proxyProtocol, idleTimeoutMs: config.idleTimeoutMs };
}
