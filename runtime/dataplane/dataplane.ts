/**
 * The data plane: reconciles running listeners, backend pools and health checkers to exactly the resources
 * it is given (the agent's resolved resources, every kind). Pools are per backend service and shared by its
 * listeners; changes apply in place, so adding, changing or removing one listener or server never disturbs
 * the others.
 *
 * A listener runs one `ListenerRuntime` per address it binds (the load balancer's intranet address, and its
 * EIP's), so a changed EIP address rebinds only that address: the new one is bound, then the old one closed,
 * while the intranet address keeps serving untouched. An address that cannot be bound fails the listener
 * (with the reason) while its other addresses serve; the next apply binds it again.
 *
 * Listening sockets are closed before `apply` resolves: a listener (or address) removed by an apply accepts
 * no new connection once that apply is done (`ListenerRuntime.stop` closes them before its first await),
 * while its open connections drain in the background for up to `drainMs`.
 *
 * A url map is compiled once per change of its rules (routing/matcher.ts) and given, with the pools of the
 * backend services its rules name, to every listener naming it, which applies it in place.
 *
 * An apply of thousands of resources runs in batches of `RECONCILE_BATCH` backend services, listeners
 * removed, then listeners started or updated, one batch per turn of the event loop, so that the listeners already serving (on the same loop) are never
 * stopped for the whole apply. A batch's listeners are started without waiting for the previous batch's to
 * be bound: a listener waiting for its certificate files delays no other.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  idleTimeoutSeconds,
  KINDS,
  requestBodyGraceSeconds,
  requestBodyMinBytesPerSecond,
  ResourceIndex,
  serverName,
  type Resource,
  type ResourceOf,
  type ServerStatus,
} from '../../lib';
import { DEFAULT_DRAIN_MS } from '../agent-defaults';
import { NO_CERTIFICATE_FILES, type CertificateFiles } from './certificate-files';
import { DEFAULT_HTTP_LIMITS, HttpListener, type HttpLimits } from './http-listener';
import { DataPlaneMetrics, type ServerSample } from './metrics';
import { Pool, type ServerConfig } from './pool';
import { effectiveIngress } from './security-group';
import { cookieValue } from './session-cookie';
import { compileRules, type UrlMatcher } from './routing/matcher';
import { createTcpListener } from './tcp-listener';
import type { ListenerConfig, ListenerRuntime, ListenerUrlMap } from './types';

/** What the data plane is given by the agent. */
export interface DataPlaneOptions {
  /** Where listener, bind and health events are logged (never per request). */
  logger: Logger;
  /** Where the data plane's metrics are registered. */
  registry: Registry;
  /** The key session cookies are signed with (an HMAC key; keep it stable across restarts to keep sessions). */
  cookieSecret: Buffer;
  /** HTTP protocol limits. @default DEFAULT_HTTP_LIMITS */
  httpLimits?: Partial<HttpLimits>;
  /** How long a removed listener or backend service lets in-flight work finish. @default DEFAULT_DRAIN_MS (10000) */
  drainMs?: number;
  /** Where listeners' certificate and key files may be read from. @default none: inline PEM only */
  certificateFiles?: CertificateFiles;
}

/** Backend services, then listeners, reconciled per turn of the event loop. */
export const RECONCILE_BATCH = 50;

/** Whether a listener is bound, and why not. */
export type BindOutcome = { ok: true } | { ok: false; reason: string };

interface RunningListener {
  /** Protocol and port: a change of either starts the listener anew on every address. */
  binding: string;
  /** The runtime bound to each address; an address missing here could not be bound (the next apply retries it). */
  runtimes: Map<string, ListenerRuntime>;
}

/** The running listeners, pools and health checkers of every load balancer the agent holds. */
export class DataPlane {
  private readonly pools = new Map<string, Pool>();
  /** Each url map's rules as last compiled (text and matcher): compiled again only when they change. */
  private readonly matchers = new Map<string, { readonly rules: string; readonly matcher: UrlMatcher }>();
  /** The url maps of the apply running, ready for the listeners naming them. */
  private urlMaps = new Map<string, ListenerUrlMap | Error>();
  private readonly listeners = new Map<string, RunningListener>();
  /** Listeners and pools still draining after removal. */
  private readonly retiring = new Set<Promise<void>>();
  private readonly metrics: DataPlaneMetrics;
  private readonly httpLimits: HttpLimits;
  private readonly drainMs: number;
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: DataPlaneOptions) {
    this.metrics = new DataPlaneMetrics(
      options.registry,
      () => this.samples(),
      () => [...this.pools].map(([id, pool]) => [id, pool.queued] as const),
    );
    this.httpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.httpLimits };
    this.drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  }

  /**
   * Reconciles the running listeners, pools and health checkers to exactly these resources (resolved
   * manifest form, every kind, as lib's validateResources returns them); resolves with the bind outcome of
   * each listener id. Calls run one after another.
   */
  apply(resources: readonly Resource[]): Promise<Map<string, BindOutcome>> {
    if (this.stopped) return Promise.reject(new Error('the data plane is stopped'));
    const run = this.queue.then(() => this.reconcile(new ResourceIndex(resources)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Server health per backend service id. */
  health(): Record<string, ServerStatus[]> {
    return Object.fromEntries([...this.pools].map(([id, pool]) => [id, pool.health()]));
  }

  /** Stops accepting, lets in-flight work finish up to `deadlineMs`, closes everything; later applies are refused. */
  async stop(deadlineMs: number): Promise<void> {
    this.stopped = true;
    await this.queue;
    const listeners = [...this.listeners.values()].flatMap(({ runtimes }) =>
      [...runtimes.values()].map((runtime) => runtime.stop(deadlineMs)),
    );
    this.listeners.clear();
    await Promise.all([...listeners, ...this.retiring]);
    await Promise.all([...this.pools.values()].map((pool) => pool.close(0)));
    this.pools.clear();
  }

  private async reconcile(index: ResourceIndex): Promise<Map<string, BindOutcome>> {
    const removedPools = await this.reconcilePools(index);
    this.urlMaps = this.reconcileUrlMaps(index);
    const outcomes = new Map<string, BindOutcome>();
    for (const [id, urlMap] of this.urlMaps)
      if (urlMap instanceof Error) outcomes.set(id, this.failed(id, urlMap.message));
    const desired = new Map(index.ofKind('Listener').map((listener) => [listener.id, listener]));
    const removed = [...this.listeners].filter(([id]) => !desired.has(id));
    for (const [position, [id, running]] of removed.entries()) {
      if (position > 0 && position % RECONCILE_BATCH === 0) await nextTurn();
      this.listeners.delete(id);
      this.retireAll(running);
    }
    const listeners = [...desired.values()];
    const reconciled: Promise<unknown>[] = [];
    for (let start = 0; start < listeners.length; start += RECONCILE_BATCH) {
      if (start > 0) await nextTurn();
      for (const listener of listeners.slice(start, start + RECONCILE_BATCH)) {
        reconciled.push(this.reconcileListener(index, listener).then((outcome) => outcomes.set(listener.id, outcome)));
      }
    }
    await Promise.all(reconciled);
    for (const pool of removedPools) this.retire(pool.close(this.drainMs));
    return outcomes;
  }

  /** Creates or updates the pool of every backend service, a batch per turn; returns the pools no longer wanted. */
  private async reconcilePools(index: ResourceIndex): Promise<Pool[]> {
    const services = index.ofKind('BackendService');
    for (const [position, service] of services.entries()) {
      if (position > 0 && position % RECONCILE_BATCH === 0) await nextTurn();
      let pool = this.pools.get(service.id);
      if (pool === undefined) {
        const secret = this.options.cookieSecret;
        pool = new Pool({
          id: service.id,
          cookieValue: (key) => cookieValue(secret, service.id, key),
          metrics: this.metrics,
          logger: this.options.logger,
          drainMs: this.drainMs,
        });
        this.pools.set(service.id, pool);
      }
      pool.update(service.spec, serversOf(index, service));
    }
    const wanted = new Set(services.map((service) => service.id));
    const removed = [...this.pools.values()].filter((pool) => !wanted.has(pool.id));
    for (const pool of removed) this.pools.delete(pool.id);
    return removed;
  }

  /** Compiles each url map whose rules changed (once, whatever the listeners naming it); forgets removed ones. */
  private reconcileUrlMaps(index: ResourceIndex): Map<string, ListenerUrlMap | Error> {
    const urlMaps = new Map<string, ListenerUrlMap | Error>();
    const secret = this.options.cookieSecret;
    for (const { id, spec } of index.ofKind('UrlMap')) {
      const rules = JSON.stringify(spec.rules);
      let compiled = this.matchers.get(id);
      if (compiled?.rules !== rules) {
        compiled = { rules, matcher: compileRules(spec.rules) };
        this.matchers.set(id, compiled);
      }
      const backends = new Map<string, { spec: ResourceOf<'BackendService'>['spec']; pool: Pool }>();
      const missing: string[] = [];
      for (const reference of KINDS.UrlMap.references(spec)) {
        if (reference.kind !== 'BackendService' || backends.has(reference.id)) continue;
        const backend = index.getOf('BackendService', reference.id);
        const pool = this.pools.get(reference.id);
        if (backend === undefined || pool === undefined)
          missing.push(`${id}: ${reference.field}: no backend service "${reference.id}"`);
        else backends.set(reference.id, { spec: backend.spec, pool });
      }
      const groupCookieValue = (priority: number, backendServiceId: string): string =>
        cookieValue(secret, `${id}#${priority}`, backendServiceId);
      urlMaps.set(
        id,
        missing.length > 0
          ? new Error(missing.join('; '))
          : { id, matcher: compiled.matcher, backends, groupCookieValue },
      );
    }
    for (const id of this.matchers.keys()) if (!urlMaps.has(id)) this.matchers.delete(id);
    return urlMaps;
  }

  private async reconcileListener(index: ResourceIndex, listener: ResourceOf<'Listener'>): Promise<BindOutcome> {
    const { id } = listener;
    let config: ListenerConfig;
    try {
      config = await this.listenerConfig(index, listener);
    } catch (error) {
      return this.failed(id, (error as Error).message);
    }
    const binding = `${config.protocol} ${config.port}`;
    let running = this.listeners.get(id);
    if (running !== undefined && running.binding !== binding) {
      // The old listener stops accepting at once (its open connections drain meanwhile), so the new one
      // can bind the same port.
      this.listeners.delete(id);
      this.retireAll(running);
      running = undefined;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (running === undefined) {
      running = { binding, runtimes: new Map() };
      this.listeners.set(id, running);
    }
    try {
      for (const [address, runtime] of running.runtimes) {
        if (config.addresses.includes(address)) runtime.update(atAddress(config, address));
      }
    } catch (error) {
      return this.failed(id, `${(error as Error).message} (the listener keeps its previous configuration)`);
    }
    // New addresses first, then the old ones closed: a changed EIP address is served again as soon as possible.
    const failures: string[] = [];
    const bound: string[] = [];
    for (const address of config.addresses) {
      if (running.runtimes.has(address)) continue;
      const runtime = this.createRuntime(atAddress(config, address));
      try {
        await runtime.start();
        running.runtimes.set(address, runtime);
        bound.push(address);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    for (const [address, runtime] of running.runtimes) {
      if (config.addresses.includes(address)) continue;
      running.runtimes.delete(address);
      this.retire(runtime.stop(this.drainMs));
      this.options.logger.info({ listener: id, port: config.port, address }, 'listener address closed');
    }
    if (bound.length > 0) {
      this.options.logger.info(
        { listener: id, protocol: config.protocol, port: config.port, addresses: bound },
        'listener started',
      );
    }
    return failures.length === 0 ? { ok: true } : this.failed(id, failures.join('; '));
  }

  /** Stops every runtime of a listener that goes: each stops accepting at once and drains in the background. */
  private retireAll(running: RunningListener): void {
    for (const runtime of running.runtimes.values()) this.retire(runtime.stop(this.drainMs));
    running.runtimes.clear();
  }

  private createRuntime(config: ListenerConfig): ListenerRuntime {
    if (config.protocol === 'HTTP' || config.protocol === 'HTTPS')
      return new HttpListener(config, this.metrics, this.httpLimits);
    return createTcpListener(config);
  }

  private async listenerConfig(index: ResourceIndex, listener: ResourceOf<'Listener'>): Promise<ListenerConfig> {
    const { id, spec } = listener;
    const loadBalancer = index.getOf('LoadBalancer', spec.loadBalancer);
    const backend = index.getOf('BackendService', spec.backendService);
    const pool = this.pools.get(spec.backendService);
    if (loadBalancer === undefined) throw new Error(`${id}: loadBalancer: no load balancer "${spec.loadBalancer}"`);
    if (backend === undefined || pool === undefined)
      throw new Error(`${id}: backendService: no backend service "${spec.backendService}"`);
    const eip = index.getOf('Eip', loadBalancer.spec.eip);
    const addresses = [loadBalancer.spec.subnet.address, eip?.spec.address].filter((a): a is string => a !== undefined);
    const groups = loadBalancer.spec.securityGroups.map(
      (group) => index.getOf('SecurityGroup', group)?.spec.ingress ?? [],
    );
    const urlMap = spec.urlMap === undefined ? undefined : this.urlMaps.get(spec.urlMap);
    if (spec.urlMap !== undefined && urlMap === undefined)
      throw new Error(`${id}: urlMap: no url map "${spec.urlMap}"`);
    if (urlMap instanceof Error) throw urlMap;
    return {
      id,
      protocol: spec.protocol,
      port: spec.port,
      addresses: [...new Set(addresses)],
      idleTimeoutMs: idleTimeoutSeconds(spec) * 1000,
      requestBody: {
        graceMs: requestBodyGraceSeconds(spec) * 1000,
        minBytesPerSecond: requestBodyMinBytesPerSecond(spec),
      },
      tls: await (this.options.certificateFiles ?? NO_CERTIFICATE_FILES).read(listener),
      ingress: effectiveIngress(groups),
      backendServiceId: backend.id,
      backend: backend.spec,
      pool,
      ...(urlMap === undefined ? {} : { urlMap }),
      metrics: this.metrics,
      logger: this.options.logger,
    };
  }

  private failed(id: string, reason: string): BindOutcome {
    this.options.logger.warn({ listener: id, reason }, 'listener not bound');
    return { ok: false, reason };
  }

  /** Tracks the drain of something removed, so `stop()` can wait for it. */
  private retire(draining: Promise<void>): void {
    const tracked = draining.finally(() => this.retiring.delete(tracked));
    this.retiring.add(tracked);
  }

  private *samples(): Iterable<ServerSample> {
    for (const [backendService, pool] of this.pools) {
      const protocol = pool.protocol;
      for (const { key, healthy, active, weight, picks } of pool.servers) {
        yield { backendService, key, protocol, healthy, active, weight, picks };
      }
    }
  }
}

/** The servers of a backend service: its server groups' servers, or its availability groups' instances. */
export function serversOf(index: ResourceIndex, service: ResourceOf<'BackendService'>): ServerConfig[] {
  const fromGroups = service.spec.serverGroups.flatMap((groupId) =>
    (index.getOf('ServerGroup', groupId)?.spec.servers ?? []).map((server) => ({
      key: `${groupId}/${serverName(server)}`,
      address: server.address,
      port: server.port,
      weight: server.weight,
    })),
  );
  // The model's rules give a backend service with availability groups a port; without one it has none to serve.
  const port = service.spec.port;
  if (port === undefined) return fromGroups;
  const fromAvailability = service.spec.availabilityGroups.flatMap((groupId) => {
    const group = index.getOf('AvailabilityGroup', groupId);
    return (group?.spec.instances ?? []).map((instance) => ({
      key: `${groupId}/${instance.address}`,
      address: instance.address,
      port,
      weight: group!.spec.weight,
    }));
  });
  return [...fromGroups, ...fromAvailability];
}

/** The configuration of the runtime that binds one of the listener's addresses. */
function atAddress(config: ListenerConfig, address: string): ListenerConfig {
  return { ...config, addresses: [address] };
}
