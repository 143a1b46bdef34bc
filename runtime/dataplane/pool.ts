/**
 * The servers of one backend service, shared by all its listeners: the scheduler, one health checker per
 * server, in-flight counts, session cookie values and (for HTTP) an upstream keep-alive connection pool per
 * server. `update()` applies a new configuration in place: servers that stay keep their health, counts and
 * connections; a removed server drains (its in-flight requests and connections finish, then it closes).
 */
import type { Logger } from 'pino';
import { connectionLimits, type BackendServiceSpec, type ServerStatus } from '../../lib';
import { HealthChecker, type HealthCheckTarget } from './health';
import { DEFAULT_DRAIN_MS } from '../agent-defaults';
import type { DataPlaneMetrics } from './metrics';
import { createScheduler, type Scheduler } from './schedulers';
import { UpstreamPool } from './upstream';
import type { BackendPool, Upstream } from './types';

/** How long opening an upstream connection may take. */
export const CONNECT_TIMEOUT_MS = 5000;
/** How long an idle upstream keep-alive connection is kept (servers may announce less). */
export const UPSTREAM_KEEP_ALIVE_MS = 4000;
/** How often the queue of requests waiting for a server below its cap is checked for its time limit. */
const QUEUE_SWEEP_MS = 100;

/**
 * A request waiting for a server below its connection cap, when every usable server is at it. Served in
 * arrival order as servers' requests end; answered 503 by its owner when its time in the queue runs out.
 */
export interface PoolWaiter {
  /** The client's address, for the scheduler. */
  readonly clientIp: string;
  /** The server its session cookie names, if any: it waits for that one. */
  readonly pinned: PoolServer | undefined;
  /** A server was acquired for it (counted active until `release`). */
  granted(server: PoolServer): void;
  /** Its time in the queue ran out, or the pool closed. */
  expired(): void;
}

/** One server as configuration describes it. */
export interface ServerConfig {
  /** `<server group id>/<server name>` or `<availability group id>/<address>`. */
  readonly key: string;
  /** The server's address. */
  readonly address: string;
  /** The traffic port. */
  readonly port: number;
  /** 0–100; 0 takes no new traffic. */
  readonly weight: number;
}

/** A server of a pool: the `Upstream` listeners see, with the pool's bookkeeping. */
export class PoolServer implements Upstream {
  /** Current health, as its checker last decided. */
  healthy = true;
  /** Requests or connections in flight. */
  active = 0;
  /** Requests (HTTP) or connections (TCP) it was given, retries included: read by the metrics. */
  picks = 0;
  /** 0–100; 0 takes no new traffic. */
  weight: number;
  /** Its connection cap: the most requests or connections in flight (the backend service's `maxConnectionsPerServer`). */
  maxActive = Infinity;
  /** Set when the server has left the configuration and waits for in-flight work to end. */
  draining = false;
  /** The session cookie value naming this server. */
  cookie = '';
  /** Upstream HTTP connections, made on first use. */
  client: UpstreamPool | undefined;
  /** What to close when this server is removed and its drain deadline passes (see `onRetired`). */
  readonly closers = new Set<() => void>();
  /** The drain deadline of a removed server still in use. */
  deadline: NodeJS.Timeout | undefined;
  /** The server's active health checker. */
  readonly checker: HealthChecker;

  constructor(
    readonly key: string,
    readonly address: string,
    readonly port: number,
    weight: number,
    spec: CheckSpec,
    onCheck: (server: PoolServer, ok: boolean, changed: boolean) => void,
  ) {
    this.weight = weight;
    this.checker = new HealthChecker(checkTarget(address, port, spec), (ok, changed) => {
      this.healthy = this.checker.healthy;
      onCheck(this, ok, changed);
    });
  }
}

/** What a pool is built with. */
export interface PoolOptions {
  /** The backend service id. */
  readonly id: string;
  /** The cookie value naming a server key (an HMAC; see session-cookie.ts). */
  readonly cookieValue: (key: string) => string;
  /** Where health check results and state changes are counted. */
  readonly metrics?: DataPlaneMetrics;
  /** Where health state changes are logged. */
  readonly logger?: Logger;
  /** How long a removed server's connections may go on before they are closed. @default DEFAULT_DRAIN_MS */
  readonly drainMs?: number;
}

/** The pool of one backend service (see the file comment). */
export class Pool implements BackendPool {
  /** The backend service id. */
  readonly id: string;
  /** The configured servers in order (draining ones excluded). */
  servers: PoolServer[] = [];
  private spec: BackendServiceSpec | undefined;
  private scheduler: Scheduler<PoolServer> | undefined;
  private readonly byKey = new Map<string, PoolServer>();
  private byCookie = new Map<string, PoolServer>();
  private readonly draining = new Set<PoolServer>();
  private drained: (() => void) | undefined;
  private limits = connectionLimits({});
  /** Requests waiting for a server below its cap, oldest first, with the time each came. */
  private readonly waiting: Array<{ readonly waiter: PoolWaiter; readonly since: number }> = [];
  private queueSweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: PoolOptions) {
    this.id = options.id;
  }

  /** Applies the backend service's spec and servers in place. */
  update(spec: BackendServiceSpec, servers: readonly ServerConfig[]): void {
    const previous = this.spec;
    this.spec = spec;
    this.limits = connectionLimits(spec);
    const next: PoolServer[] = [];
    const keep = new Set<PoolServer>();
    for (const config of servers) {
      const existing = this.byKey.get(config.key);
      if (existing && existing.address === config.address && existing.port === config.port) {
        existing.weight = config.weight;
        existing.checker.update(checkTarget(config.address, config.port, spec));
        existing.healthy = existing.checker.healthy;
        keep.add(existing);
        next.push(existing);
      } else {
        next.push(this.createServer(config, spec));
      }
    }
    for (const server of next) server.maxActive = this.limits.maxConnectionsPerServer;
    for (const server of this.servers) if (!keep.has(server)) this.retire(server);
    this.servers = next;
    this.byKey.clear();
    for (const server of next) this.byKey.set(server.key, server);
    this.byCookie = new Map(next.map((server) => [server.cookie, server]));
    if (this.scheduler === undefined || previous?.algorithm !== spec.algorithm) {
      this.scheduler = createScheduler(spec.algorithm);
    }
    this.scheduler.reset(next);
    // A higher cap or more servers may let waiting requests in.
    this.serveWaiting();
  }

  /** Picks a usable server with the scheduler and counts it active until `release`. */
  acquire(clientIp: string, exclude?: Upstream): PoolServer | undefined {
    const server = this.scheduler?.pick(clientIp, exclude as PoolServer | undefined);
    if (server !== undefined) {
      server.active++;
      server.picks++;
    }
    return server;
  }

  /** Ends one request or connection; a draining server closes after its last; a waiting request may take its place. */
  release(upstream: Upstream): void {
    const server = upstream as PoolServer;
    server.active--;
    if (server.draining) {
      if (server.active === 0) this.finishDraining(server);
    } else if (this.waiting.length > 0) {
      this.serveWaiting();
    }
  }

  /** How many requests wait for a server below its cap. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Whether some server could take traffic but for its cap: a request then waits instead of being refused. */
  atCapacity(): boolean {
    return this.servers.some((server) => server.healthy && server.weight > 0 && server.active >= server.maxActive);
  }

  /** Queues `waiter` until a server below its cap is free (see `PoolWaiter`); false when the queue is full. */
  wait(waiter: PoolWaiter): boolean {
    if (this.waiting.length >= this.limits.maxQueueLength) return false;
    this.waiting.push({ waiter, since: Date.now() });
    if (this.queueSweeper === undefined) {
      this.queueSweeper = setInterval(
        () => this.expireWaiting(Date.now() - this.limits.queueTimeoutSeconds * 1000),
        QUEUE_SWEEP_MS,
      );
      this.queueSweeper.unref();
    }
    return true;
  }

  /** Takes `waiter` out of the queue (its client went away). */
  cancel(waiter: PoolWaiter): void {
    const index = this.waiting.findIndex((entry) => entry.waiter === waiter);
    if (index >= 0) this.waiting.splice(index, 1);
    this.stopQueueSweep();
  }

  /** The server with this key if it is usable, counted as active. */
  acquireByKey(key: string): PoolServer | undefined {
    return this.take(this.byKey.get(key));
  }

  /**
   * The server a session cookie names if it is healthy with weight > 0, not yet counted as active: `take`
   * it, or wait for it when it is at its cap.
   */
  byCookieValue(value: string): PoolServer | undefined {
    const server = this.byCookie.get(value);
    return server === undefined || !server.healthy || server.weight === 0 ? undefined : server;
  }

  /** `server` counted as active if it is usable (healthy, weight > 0, below its cap); else undefined. */
  take(server: PoolServer | undefined): PoolServer | undefined {
    if (server === undefined || !server.healthy || server.weight === 0 || server.active >= server.maxActive)
      return undefined;
    server.active++;
    server.picks++;
    return server;
  }

  /** A failure on live traffic: the server's checker probes it at once. */
  reportFailure(upstream: Upstream): void {
    (upstream as PoolServer).checker.suspect();
  }

  onRetired(upstream: Upstream, close: () => void): () => void {
    const { closers } = upstream as PoolServer;
    closers.add(close);
    return () => closers.delete(close);
  }

  /** The keep-alive HTTP connection pool to a server. */
  httpClient(server: PoolServer): UpstreamPool {
    server.client ??= new UpstreamPool(server.address, server.port, CONNECT_TIMEOUT_MS, UPSTREAM_KEEP_ALIVE_MS);
    return server.client;
  }

  /** The backend service protocol: what its servers are given, requests (`HTTP`) or connections (`TCP`). */
  get protocol(): 'HTTP' | 'TCP' {
    return this.spec?.protocol ?? 'HTTP';
  }

  /** Every configured server's state. */
  health(): ServerStatus[] {
    return this.servers.map(({ key, address, port, weight, healthy, active }) => ({
      key,
      address,
      port,
      weight,
      healthy,
      active,
    }));
  }

  /**
   * Stops health checks and new picks, waits for in-flight work up to `deadlineMs`, then closes every
   * upstream connection.
   */
  async close(deadlineMs: number): Promise<void> {
    for (const server of this.servers) this.retire(server);
    this.servers = [];
    this.byKey.clear();
    this.byCookie.clear();
    this.scheduler?.reset([]);
    this.expireWaiting(Infinity);
    if (this.draining.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadlineMs);
        this.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const server of this.draining) {
      server.client?.destroy();
      closeRetired(server);
    }
    this.draining.clear();
  }

  /**
   * Gives free servers to waiting requests, oldest first: one pinned by a cookie to its server, others to
   * the scheduler's pick. Stops at the first unpinned request no server is free for.
   */
  private serveWaiting(): void {
    for (let index = 0; index < this.waiting.length;) {
      const { waiter } = this.waiting[index]!;
      const pinned = waiter.pinned;
      const usablePin = pinned !== undefined && !pinned.draining && pinned.healthy && pinned.weight > 0;
      const server = usablePin ? this.take(pinned) : this.acquire(waiter.clientIp);
      if (server === undefined) {
        if (!usablePin) break;
        index++;
        continue;
      }
      this.waiting.splice(index, 1);
      waiter.granted(server);
    }
    this.stopQueueSweep();
  }

  /** Answers (through their owners) the waiting requests that came before `cutoff`. */
  private expireWaiting(cutoff: number): void {
    while (this.waiting.length > 0 && this.waiting[0]!.since <= cutoff) this.waiting.shift()!.waiter.expired();
    this.stopQueueSweep();
  }

  private stopQueueSweep(): void {
    if (this.waiting.length > 0 || this.queueSweeper === undefined) return;
    clearInterval(this.queueSweeper);
    this.queueSweeper = undefined;
  }

  private createServer(config: ServerConfig, spec: CheckSpec): PoolServer {
    const server = new PoolServer(config.key, config.address, config.port, config.weight, spec, (s, ok, changed) =>
      this.recordCheck(s, ok, changed),
    );
    server.cookie = this.options.cookieValue(config.key);
    server.checker.start();
    return server;
  }

  private recordCheck(server: PoolServer, ok: boolean, changed: boolean): void {
    const { metrics, logger } = this.options;
    const labels = { backend_service: this.id, server: server.key };
    metrics?.checks.inc({ ...labels, result: ok ? 'success' : 'failure' });
    if (!changed) return;
    const state = server.healthy ? 'up' : 'down';
    metrics?.transitions.inc({ ...labels, state });
    logger?.info(
      { backendService: this.id, server: server.key, address: `${server.address}:${server.port}`, state },
      `server ${state}`,
    );
  }

  /** Takes a server out of rotation; it closes once its in-flight work is done. */
  private retire(server: PoolServer): void {
    server.draining = true;
    server.checker.stop();
    this.draining.add(server);
    if (server.active === 0) {
      this.finishDraining(server);
    } else {
      server.deadline = setTimeout(() => closeRetired(server), this.options.drainMs ?? DEFAULT_DRAIN_MS);
      server.deadline.unref();
    }
  }

  private finishDraining(server: PoolServer): void {
    clearTimeout(server.deadline);
    this.draining.delete(server);
    server.client?.close();
    if (this.draining.size === 0) this.drained?.();
  }
}

/** Closes what still uses a removed server at its drain deadline. */
function closeRetired(server: PoolServer): void {
  clearTimeout(server.deadline);
  const closers = [...server.closers];
  server.closers.clear();
  for (const close of closers) close();
}

/** What a server's health check depends on in its backend service's spec. */
type CheckSpec = Pick<BackendServiceSpec, 'healthCheck' | 'proxyProtocol'>;

/**
 * Where and how a server is checked. Checks of the traffic port start with a PROXY line when the traffic
 * does (HAProxy's default for `send-proxy` servers); a separate check port is assumed to speak plain.
 */
function checkTarget(address: string, port: number, spec: CheckSpec): HealthCheckTarget {
  const check = spec.healthCheck;
  const checkPort = check.port ?? port;
  return { address, port: checkPort, check, proxyProtocol: spec.proxyProtocol && checkPort === port };
}
