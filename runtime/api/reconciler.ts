/**
 * Drives the data plane to the stored resources, one apply at a time. Requests made while an apply runs are
 * coalesced into the next one. After each apply: CREATING resources become ACTIVE (listeners: once bound, or
 * FAILED with the bind error), DELETING resources are dropped, and the state is persisted when any of that
 * changed it. When the apply itself throws, CREATING resources become FAILED with its message and DELETING
 * ones stay for the next apply.
 *
 * FAILED resources are retried as a cloud's reconciler retries them: an apply is scheduled `firstMs` (1 s)
 * after a resource fails, and each retry that leaves it FAILED doubles its wait, up to `maxMs` (30 s). Every
 * apply binds what is not bound, so a listener whose port was in use becomes ACTIVE once the port is free,
 * with no request from a client. A change to the resource starts its backoff over; deleting it ends it.
 */
import type { Logger } from 'pino';
import type { StateStore } from '../store/state-store';
import { toResource, type AgentState, type StoredResource } from '../store/state';
import type { BindOutcome, DataPlanePort } from './data-plane-port';

/** When FAILED resources are retried. */
export interface RetryPolicy {
  /** How long after a resource FAILED the first retry comes. @default 1000 */
  firstMs: number;
  /** The longest wait between two retries of a resource that keeps failing. @default 30000 */
  maxMs: number;
}

/** The agent's retry policy: 1 s, 2 s, 4 s… up to 30 s between retries. */
export const DEFAULT_RETRY: RetryPolicy = { firstMs: 1000, maxMs: 30_000 };

/** The backoff of one FAILED resource: for which generation, and the wait before its next retry. */
interface Backoff {
  generation: number;
  delayMs: number;
}

/** Applies the stored resources to the data plane, one apply at a time, and records the outcome. */
export class Reconciler {
  private tail: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  /** FAILED resources by id. */
  private backoff = new Map<string, Backoff>();
  private retryTimer: NodeJS.Timeout | undefined;
  /** The retry timer fired: the next apply to start is a retry. */
  private retryDue = false;
  private closed = false;

  constructor(
    private readonly state: AgentState,
    private readonly dataPlane: DataPlanePort,
    private readonly store: StateStore,
    private readonly logger: Logger,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /** Schedules an apply; resolves once an apply that started after this call has finished. */
  request(): Promise<void> {
    if (!this.queued) {
      const next = this.tail.then(() => {
        this.queued = undefined;
        return this.applyOnce();
      });
      this.queued = next;
      this.tail = next.catch(() => undefined);
    }
    return this.queued;
  }

  /** Resolves once every scheduled apply has finished. */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Stops retrying (before the data plane stops); resolves once every scheduled apply has finished. */
  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    return this.tail;
  }

  private async applyOnce(): Promise<void> {
    const retrying = this.retryDue;
    this.retryDue = false;
    // The durable state, not the one in memory: a change reaches the data plane only once it is on disk.
    const durable = this.store.durable.resources;
    const snapshot = new Map(durable.map((r) => [r.id, { generation: r.generation, state: r.state }]));
    const live = durable.filter((r) => r.state !== 'DELETING').map(toResource);
    let outcomes: Map<string, BindOutcome>;
    let failure: string | undefined;
    try {
      outcomes = await this.dataPlane.apply(live);
    } catch (error) {
      failure = (error as Error).message;
      outcomes = new Map();
      this.logger.error({ err: error }, 'data plane apply failed');
    }
    const settled = (r: StoredResource): boolean => {
      const seen = snapshot.get(r.id);
      return seen !== undefined && seen.generation === r.generation && seen.state === r.state;
    };
    const count = this.state.resources.length;
    if (failure === undefined) this.state.resources = this.state.resources.filter((r) => !(r.state === 'DELETING' && settled(r)));
    let changed = this.state.resources.length !== count;
    for (const resource of this.state.resources) {
      if (resource.state === 'DELETING' || !settled(resource)) continue;
      if (failure !== undefined && resource.state !== 'CREATING') continue;
      const outcome = outcomes.get(resource.id);
      const reason = failure ?? (outcome && !outcome.ok ? outcome.reason : undefined);
      const next = reason === undefined ? 'ACTIVE' : 'FAILED';
      if (next === resource.state && reason === resource.reason) continue;
      this.logger.info({ id: resource.id, kind: resource.kind, state: next, reason }, 'resource state');
      changed = true;
      resource.state = next;
      if (reason === undefined) delete resource.reason;
      else resource.reason = reason;
    }
    this.scheduleRetries(retrying);
    // A failed write undoes these outcomes in memory too (the store restores what is on disk); the next apply finds them again.
    if (changed) await this.store.save(this.state).catch((error: Error) => this.logger.error({ err: error }, 'resource states not stored'));
  }

  /**
   * Sets the backoff of every FAILED resource (a new failure or a new generation starts at `firstMs`;
   * a retry that failed again doubles it) and arms one timer for the soonest retry.
   */
  private scheduleRetries(retrying: boolean): void {
    const failed = new Map<string, Backoff>();
    for (const resource of this.state.resources) {
      if (resource.state !== 'FAILED') continue;
      const previous = this.backoff.get(resource.id);
      let delayMs = this.retry.firstMs;
      if (previous?.generation === resource.generation) delayMs = retrying ? Math.min(previous.delayMs * 2, this.retry.maxMs) : previous.delayMs;
      failed.set(resource.id, { generation: resource.generation, delayMs });
    }
    this.backoff = failed;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.closed || failed.size === 0) return;
    const delayMs = Math.min(...[...failed.values()].map((entry) => entry.delayMs));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retryDue = true;
      this.logger.debug({ resources: [...this.backoff.keys()], delayMs }, 'retrying FAILED resources');
      void this.request();
    }, delayMs);
    this.retryTimer.unref();
  }
}
