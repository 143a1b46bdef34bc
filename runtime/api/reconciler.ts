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
 *
 * A status write that fails (a full disk) leaves every status as it is on disk, in memory too (the store
 * restores it), so between attempts reads show what is on disk. The apply is then run again on the same
 * backoff (1 s doubling to 30 s) until its write succeeds; until then `unstored` says which resources wait
 * and why (reported by `GET /healthz`), and each failure is logged naming them.
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

/** What the reconciler tells the fleet, and asks it: the revision it applied, and whether it runs the retries. */
export interface ReconcilerFleet {
  /** Only the leader of a fleet retries FAILED resources. */
  readonly isLeader: boolean;
  applied(revision: string): void;
}

/** The backoff of one FAILED resource: for which generation, and the wait before its next retry. */
interface Backoff {
  generation: number;
  delayMs: number;
}

/** Status changes the reconciler could not store yet: what `GET /healthz` reports while it retries. */
export interface UnstoredStatuses {
  /** The resources whose new status (or removal) waits for a successful write. */
  readonly resources: readonly string[];
  /** Why the last write failed. */
  readonly reason: string;
  /** Failed writes in a row. */
  readonly failures: number;
  /** When the next attempt comes, in ms from the failure. */
  readonly retryInMs: number;
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
  private storeRetryTimer: NodeJS.Timeout | undefined;
  private unstoredStatuses: UnstoredStatuses | undefined;

  constructor(
    private readonly state: AgentState,
    private readonly dataPlane: DataPlanePort,
    private readonly store: StateStore,
    private readonly logger: Logger,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly fleet?: ReconcilerFleet,
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

  /** The status changes waiting for a successful write, or undefined when every status is stored. */
  get unstored(): UnstoredStatuses | undefined {
    return this.unstoredStatuses;
  }

  /** Stops retrying (before the data plane stops); resolves once every scheduled apply has finished. */
  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.storeRetryTimer);
    return this.tail;
  }

  private async applyOnce(): Promise<void> {
    const retrying = this.retryDue;
    this.retryDue = false;
    // The durable state, not the one in memory: a change reaches the data plane only once it is on disk.
    const durable = this.store.durable.resources;
    const revision = this.store.revision;
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
    this.fleet?.applied(revision);
    const settled = (r: StoredResource): boolean => {
      const seen = snapshot.get(r.id);
      return seen !== undefined && seen.generation === r.generation && seen.state === r.state;
    };
    const touched: string[] = [];
    if (failure === undefined) {
      this.state.resources = this.state.resources.filter((r) => {
        const gone = r.state === 'DELETING' && settled(r);
        if (gone) touched.push(r.id);
        return !gone;
      });
    }
    for (const resource of this.state.resources) {
      if (resource.state === 'DELETING' || !settled(resource)) continue;
      if (failure !== undefined && resource.state !== 'CREATING') continue;
      const outcome = outcomes.get(resource.id);
      const reason = failure ?? (outcome && !outcome.ok ? outcome.reason : undefined);
      const next = reason === undefined ? 'ACTIVE' : 'FAILED';
      if (next === resource.state && reason === resource.reason) continue;
      this.logger.info({ id: resource.id, kind: resource.kind, state: next, reason }, 'resource state');
      touched.push(resource.id);
      resource.state = next;
      if (reason === undefined) delete resource.reason;
      else resource.reason = reason;
    }
    this.scheduleRetries(retrying);
    if (touched.length > 0) await this.storeStatuses(touched);
    else this.unstoredStatuses = undefined;
  }

  /**
   * Stores the new statuses of `resources`. A failed write undoes them in memory too (the store restores
   * what is on disk), so the apply is run again after a backoff, which finds the same outcomes and stores them.
   */
  private async storeStatuses(resources: string[]): Promise<void> {
    try {
      await this.store.save(this.state);
    } catch (error) {
      const previous = this.unstoredStatuses;
      const retryInMs =
        previous === undefined ? this.retry.firstMs : Math.min(previous.retryInMs * 2, this.retry.maxMs);
      const reason = (error as Error).message;
      this.unstoredStatuses = { resources, reason, failures: (previous?.failures ?? 0) + 1, retryInMs };
      this.logger.error(
        { err: error, resources, retryInMs },
        `status of ${resources.join(', ')} not stored; retrying in ${retryInMs} ms`,
      );
      clearTimeout(this.storeRetryTimer);
      if (this.closed) return;
      this.storeRetryTimer = setTimeout(() => void this.request(), retryInMs);
      this.storeRetryTimer.unref();
      return;
    }
    if (this.unstoredStatuses !== undefined)
      this.logger.info(
        { resources },
        `status of ${resources.join(', ')} stored after ${this.unstoredStatuses.failures} failed writes`,
      );
    this.unstoredStatuses = undefined;
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
      if (previous?.generation === resource.generation)
        delayMs = retrying ? Math.min(previous.delayMs * 2, this.retry.maxMs) : previous.delayMs;
      failed.set(resource.id, { generation: resource.generation, delayMs });
    }
    this.backoff = failed;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.closed || failed.size === 0) return;
    const delayMs = Math.min(...[...failed.values()].map((entry) => entry.delayMs));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      // In a fleet, retries are the leader's work: a follower keeps the backoff and looks again later.
      if (this.fleet?.isLeader === false) return this.scheduleRetries(false);
      this.retryDue = true;
      this.logger.debug({ resources: [...this.backoff.keys()], delayMs }, 'retrying FAILED resources');
      void this.request();
    }, delayMs);
    this.retryTimer.unref();
  }
}
