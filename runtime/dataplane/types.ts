/**
 * The contracts inside the data plane: what a listener runtime is given and what it must do, what a backend
 * pool offers, and what an HTTP exchange needs of its client connection. The reconciler (dataplane.ts) builds
 * these from the agent's resources; the HTTP/HTTPS and TCP/TLS listeners implement `ListenerRuntime` over one
 * shared `BackendPool` implementation.
 */
import type { Logger } from 'pino';
import type { BackendServiceSpec, IngressRule, ListenerProtocol } from '../../lib';
import type { Socket } from 'node:net';
import type { DataPlaneMetrics } from './metrics';
import type { UpstreamTunnel } from './upstream';
import type { UrlMatcher } from './routing/matcher';

/** One server a pool can send traffic to (a server group server or an availability group instance). */
export interface Upstream {
  /** Stable key within the backend service: `<group id>/<server name>`. */
  readonly key: string;
  readonly address: string;
  readonly port: number;
  /** 0–100; 0 takes no new traffic. */
  readonly weight: number;
  /** Current health as the active checker sees it (true when checks are off). */
  readonly healthy: boolean;
  /** Requests (HTTP) or connections (TCP) in flight. */
  readonly active: number;
  /** Its connection cap: at it, the server is not picked. */
  readonly maxActive: number;
}

/** The servers of one backend service with its scheduler and health state; shared by all its listeners. */
export interface BackendPool {
  /**
   * Picks a server for a new request or connection from `clientIp`, skipping unhealthy, weight-0, capped and
   * `exclude`d servers; undefined when none is left. Counts it as active until `release`.
   */
  acquire(clientIp: string, exclude?: Upstream): Upstream | undefined;
  /** Ends one request or connection counted by `acquire`. */
  release(upstream: Upstream): void;
  /** The upstream with this key if it is usable (healthy, weight > 0): for session cookies. */
  acquireByKey(key: string): Upstream | undefined;
  /** Reports a failure seen on live traffic (connect refused, reset), so the pool may stop picking it. */
  reportFailure(upstream: Upstream): void;
  /**
   * Has `close` called if `upstream` leaves the configuration and the drain deadline passes while the work
   * registering it (a long-lived TCP connection) still runs; returns the function that cancels it, for when
   * that work ends first.
   */
  onRetired(upstream: Upstream, close: () => void): () => void;
}

/** Everything one listener needs; given on start and again, in full, on each change. */
export interface ListenerConfig {
  /** The listener's resource id. */
  readonly id: string;
  readonly protocol: ListenerProtocol;
  readonly port: number;
  /** Addresses to bind: the load balancer's intranet address, and its EIP if it has one. */
  readonly addresses: readonly string[];
  readonly idleTimeoutMs: number;
  /** HTTP/HTTPS: the request body's grace window and the minimum rate after it (bytes per second; 0: none). */
  readonly requestBody: { readonly graceMs: number; readonly minBytesPerSecond: number };
  /** PEM certificate and key, for HTTPS and TLS. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Ingress rules of every security group of the load balancer; a connection needs one rule to allow it. */
  readonly ingress: readonly IngressRule[];
  /** The backend service's id and spec (algorithm, persistence, PROXY protocol…). */
  readonly backendServiceId: string;
  readonly backend: BackendServiceSpec;
  readonly pool: BackendPool;
  /** HTTP/HTTPS: the url map the listener names, compiled; its own backend service stays the default action. */
  readonly urlMap?: ListenerUrlMap;
  /**
   * The data plane's metrics: count accepted connections (`connections`) and security group refusals
   * (`refused`) per listener id. Set by the reconciler.
   */
  readonly metrics?: DataPlaneMetrics;
  /** The agent's logger, for events off the hot path. Set by the reconciler. */
  readonly logger?: Logger;
}

/** A url map as its listeners are given it: compiled once per change of it, shared by every listener naming it. */
export interface ListenerUrlMap {
  /** The url map's resource id. */
  readonly id: string;
  readonly matcher: UrlMatcher;
  /** Every backend service its rules name (forward, weighted forward, mirror): its spec and its pool. */
  readonly backends: ReadonlyMap<string, { readonly spec: BackendServiceSpec; readonly pool: BackendPool }>;
  /** The group cookie value (an HMAC) naming backend service `backendServiceId` of the weighted rule `priority`. */
  readonly groupCookieValue: (priority: number, backendServiceId: string) => string;
}

/** A running listener. */
export interface ListenerRuntime {
  /** Binds every address; rejects with a readable reason (such as the port being in use) on failure. */
  start(): Promise<void>;
  /**
   * Applies a changed configuration in place, without dropping connections. Port and protocol do not change.
   * Throws, leaving the previous configuration in force, when the new one cannot be used (a bad certificate).
   */
  update(config: ListenerConfig): void;
  /**
   * Stops accepting, lets in-flight requests and connections finish up to `deadlineMs`, then closes them. The
   * listening sockets are closed before `stop` returns its promise (synchronously): the data plane reports a
   * removed listener gone once its apply ends, and clients are promised that no new connection is accepted then.
   */
  stop(deadlineMs: number): Promise<void>;
}

/**
 * What an HTTP exchange (http-proxy.ts) needs of the client connection it answers on (http-connection.ts),
 * so that the exchange does not import the connection that makes it.
 */
export interface ExchangeConnection {
  /** The client's socket, which answers are written to. */
  readonly socket: Socket;
  /** The client's address, for X-Forwarded-For and scheduling. */
  readonly clientIp: string;
  /** The listener address the client reached. */
  readonly localAddress: string | undefined;
  /** Whether the connection closes after the answer being written. */
  readonly closesAfterCurrent: boolean;
  /** Stamps activity (a write to the client). */
  touch(): void;
  /** Stops reading the request body (its server is not taking it). */
  pauseBody(): void;
  /** Reads the request body again. */
  resumeBody(): void;
  /** `exchange` wrote its whole answer; `keepAlive` when the connection stays open. */
  answered(exchange: object, keepAlive: boolean): void;
  /** The server switched protocols: the connection becomes a tunnel to `server` (see `ClientConnection`). */
  switchProtocols(head: string, server: Socket, serverRest: Buffer, release: () => void): UpstreamTunnel;
}
