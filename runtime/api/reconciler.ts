/**
 * Drives the data plane to the stored resources, one apply at a time. Requests made while an apply runs are
 * coalesced into the next one. After each apply: CREATING resources become ACTIVE (listeners: once bound, or
 * FAILED with the bind error), DELETING resources are dropped, and the state is persisted. When the apply
 * itself throws, CREATING resources become FAILED with its message and DELETING ones stay for the next apply.
 */
import type { Logger } from 'pino';
import type { FileStore } from '../store/file-store';
import { toResource, type AgentState, type StoredResource } from '../store/state';
import type { BindOutcome, DataPlanePort } from './data-plane-port';

/** Applies the stored resources to the data plane, one apply at a time, and records the outcome. */
export class Reconciler {
  private tail: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(
    private readonly state: AgentState,
    private readonly dataPlane: DataPlanePort,
    private readonly store: FileStore,
    private readonly logger: Logger,
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

  private async applyOnce(): Promise<void> {
    const snapshot = new Map(this.state.resources.map((r) => [r.id, { generation: r.generation, state: r.state }]));
    const live = this.state.resources.filter((r) => r.state !== 'DELETING').map(toResource);
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
    if (failure === undefined) this.state.resources = this.state.resources.filter((r) => !(r.state === 'DELETING' && settled(r)));
    for (const resource of this.state.resources) {
      if (resource.state === 'DELETING' || !settled(resource)) continue;
      if (failure !== undefined && resource.state !== 'CREATING') continue;
      const outcome = outcomes.get(resource.id);
      const reason = failure ?? (outcome && !outcome.ok ? outcome.reason : undefined);
      const next = reason === undefined ? 'ACTIVE' : 'FAILED';
      if (next !== resource.state || reason !== resource.reason) {
        this.logger.info({ id: resource.id, kind: resource.kind, state: next, reason }, 'resource state');
      }
      resource.state = next;
      if (reason === undefined) delete resource.reason;
      else resource.reason = reason;
    }
    await this.store.save(this.state);
  }
}
