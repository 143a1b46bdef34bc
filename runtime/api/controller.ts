/**
 * The "cloud" behind the control API: create-or-update, read and delete of resources with the order a cloud
 * enforces (a dependency must exist and be ACTIVE; a resource others depend on cannot go), validation of the
 * whole would-be state before anything changes, the operation log, and durable state.
 */
import {
  API_VERSION,
  canonicalJson,
  contentHash,
  contentHashInSlices,
  loadBalancerType,
  redactSecrets,
  type Kind,
  type Manifest,
  type Resource,
} from '../../lib';
import { etagOf } from '../contract/precondition';
import type { Representation } from '../contract/representation';
import type { StateStore } from '../store/state-store';
import { toResource, type AgentState, type Operation, type StoredResource } from '../store/state';
import { checkConditions, type Conditions } from './conditional';
import type { DataPlanePort } from './data-plane-port';
import { conflict, notFound } from './errors';
import { checkPuts, type PutRequest } from './put-check';
import type { Reconciler } from './reconciler';

/** One delete: what `DELETE /v1/<collection>/<id>` carries. */
export interface DeleteRequest {
  kind: Kind;
  id: string;
  /** `If-Match`. @default none */
  conditions?: Conditions;
}

/** What a stage of changes gives: its outcomes at once, and the write that makes them durable. */
export interface Staged<T> {
  outcomes: T[];
  saved: Promise<void>;
}

/** The longest wait of `watch` (`GET /v1/<collection>/<id>?wait=`). */
export const MAX_WAIT_MS = 60_000;

/** How long a PUT waits for its change to reach the data plane before answering (it answers CREATING then). */
const PUT_SETTLE_MS = 10_000;

/** The resources of one agent and the rules for changing them; the control API's routes call it. */
export class Controller {
  constructor(
    private readonly state: AgentState,
    private readonly store: StateStore,
    private readonly reconciler: Reconciler,
    private readonly dataPlane: DataPlanePort,
  ) {}

  /** Every resource of `kind`, in creation order. */
  list(kind: Kind): Representation[] {
    return this.state.resources.filter((r) => r.kind === kind).map((r) => this.represent(r));
  }

  /** One resource; 404 when absent or of another kind. */
  get(kind: Kind, id: string): Representation {
    return this.represent(this.find(kind, id));
  }

  /** Every resource, for status views. */
  all(): readonly StoredResource[] {
    return this.state.resources;
  }

  /** The accepted operations, oldest first. */
  operations(): readonly Operation[] {
    return this.state.operations;
  }

  /** The current state in manifest form (resources being deleted left out); only `owner`'s when given. */
  manifest(owner?: string): Manifest {
    const resources = this.inForce(owner);
    // The hash is the content's, keys included (as `albkit synth` computes it); the resources go out redacted.
    return {
      apiVersion: API_VERSION,
      resources: resources.map(redactSecrets),
      hash: contentHash({ apiVersion: API_VERSION, resources }),
    };
  }

  /** The hash of `manifest(owner)`, computed a slice at a time between turns of the event loop (for manifest runs of thousands of resources). */
  manifestHash(owner?: string): Promise<string> {
    return contentHashInSlices({ apiVersion: API_VERSION, resources: this.inForce(owner) });
  }

  /** The resources in force (not being deleted), only `owner`'s when given, in manifest form. */
  private inForce(owner: string | undefined): Resource[] {
    return this.state.resources
      .filter((r) => r.state !== 'DELETING' && (owner === undefined || r.owner === owner))
      .map(toResource);
  }

  /**
   * Creates or updates a resource. Resolves with the representation and whether it was created; rejects with
   * an `ApiError` (400 invalid, 409 out of order or a replace-only change, 412 when `conditions` fail) leaving
   * the state untouched.
   */
  async put(
    kind: Kind,
    id: string,
    body: unknown,
    conditions: Conditions = {},
  ): Promise<{ created: boolean; resource: Representation }> {
    const { outcomes, saved } = this.stagePuts([{ kind, id, body, conditions }]);
    await saved;
    const { created, resource } = outcomes[0] as { created: boolean; resource: StoredResource };
    if (resource.state !== 'ACTIVE') await this.settle(resource);
    return { created, resource: this.represent(resource) };
  }

  /**
   * `put` of several resources with one validation of the would-be state, not waiting for the data plane
   * (`settleAll` does): changes the state at once, or throws the first refusal's `ApiError` and changes
   * nothing. Returns each stored resource and whether it was created, in the order of `requests`, and the
   * write that makes them durable; stages made one after another share writes (group commit).
   */
  stagePuts(requests: readonly PutRequest[]): Staged<{ created: boolean; resource: StoredResource }> {
    const { checked, order } = checkPuts(this.state, requests);
    let changed = false;
    let accepted = false;
    const outcomes = checked.map(({ candidate, existing, owner }) => {
      if (existing && sameContent(existing, candidate)) {
        // A new owner alone is bookkeeping: stored, but no operation, no new generation, nothing for the data plane.
        if (owner !== undefined && owner !== existing.owner) {
          existing.owner = owner;
          changed = true;
        }
        return { created: false, resource: existing };
      }
      changed = true;
      accepted = true;
      return { created: existing === undefined, resource: this.accept(candidate, existing, owner) };
    });
    if (accepted) this.reorder(order);
    return { outcomes, saved: changed ? this.store.save(this.state) : Promise.resolve() };
  }

  /** Starts deleting a resource; 404 when absent, 409 while another resource depends on it, 412 when `conditions` fail. */
  async delete(kind: Kind, id: string, conditions: Conditions = {}): Promise<Representation> {
    const { outcomes, saved } = this.stageDeletes([{ kind, id, conditions }]);
    await saved;
    return this.represent(outcomes[0] as StoredResource);
  }

  /**
   * `delete` of several resources, not waiting until they are gone (`goneAll` does): marks them DELETING at
   * once, or throws the first refusal's `ApiError` and changes nothing. Returns them and their write (as
   * `stagePuts`); the apply that removes them starts once the write is done.
   */
  stageDeletes(requests: readonly DeleteRequest[]): Staged<StoredResource> {
    // One pass over the state, keeping only what concerns the requests (a run deletes in chunks of a state of thousands).
    const wanted = new Set(requests.map((request) => request.id));
    const byId = new Map<string, StoredResource>();
    const dependentOf = new Map<string, StoredResource>();
    for (const resource of this.state.resources) {
      if (wanted.has(resource.id)) byId.set(resource.id, resource);
      for (const dep of resource.dependsOn)
        if (wanted.has(dep) && !dependentOf.has(dep)) dependentOf.set(dep, resource);
    }
    const targets = requests.map(({ kind, id, conditions = {} }) => {
      const resource = byId.get(id);
      if (resource?.kind !== kind) throw notFound(kind, id);
      checkConditions(kind, id, resource, conditions);
      const dependent = dependentOf.get(id);
      if (resource.state !== 'DELETING' && dependent) {
        const advice =
          dependent.state === 'DELETING' ? `wait until ${dependent.id} is gone` : `delete ${dependent.id} first`;
        throw conflict(
          `${kind} "${id}" cannot be deleted: ${dependent.kind} "${dependent.id}" depends on it; ${advice}`,
        );
      }
      return resource;
    });
    const starting = targets.filter((resource) => resource.state !== 'DELETING');
    for (const resource of starting) {
      resource.state = 'DELETING';
      delete resource.reason;
      this.record('delete', resource);
    }
    if (starting.length === 0) return { outcomes: targets, saved: Promise.resolve() };
    const saved = this.store.save(this.state).then(() => void this.reconciler.request());
    return { outcomes: targets, saved };
  }

  /** Resolves once the resource is no longer CREATING (or is gone), or the deadline passed. */
  settle(resource: StoredResource, deadlineMs = PUT_SETTLE_MS): Promise<void> {
    return this.settleAll([resource], deadlineMs);
  }

  /** Resolves once none of the resources is CREATING (each is ACTIVE, FAILED or gone), or the deadline passed. */
  async settleAll(resources: readonly StoredResource[], deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    let pending = resources;
    do {
      await withDeadline(this.reconciler.request(), deadline);
      const present = new Set(this.state.resources);
      pending = pending.filter((resource) => resource.state === 'CREATING' && present.has(resource));
    } while (pending.length > 0 && Date.now() < deadline);
  }

  /** Resolves once the resource with this id is gone; rejects with a 409 when it is still there at the deadline. */
  gone(id: string, deadlineMs: number): Promise<void> {
    return this.goneAll([id], deadlineMs);
  }

  /** Resolves once every resource with these ids is gone; rejects with a 409 naming one still there at the deadline. */
  async goneAll(ids: readonly string[], deadlineMs: number): Promise<void> {
    const left = await this.untilGone(ids, Date.now() + deadlineMs);
    if (left !== undefined) throw conflict(`"${left}" is still being deleted after ${deadlineMs} ms`);
  }

  /**
   * `get` after waiting up to `waitMs` while the resource is CREATING (until ACTIVE or FAILED) or DELETING
   * (until gone: then 404), so clients wait for an outcome with one request instead of polling.
   */
  async watch(kind: Kind, id: string, waitMs: number): Promise<Representation> {
    const resource = this.find(kind, id);
    if (resource.state === 'CREATING') await this.settle(resource, waitMs);
    if (resource.state === 'DELETING') await this.untilGone([id], Date.now() + waitMs);
    return this.get(kind, id);
  }

  /** Undefined once no resource with these ids is left, else the first id still there at `deadline` (epoch ms). */
  private async untilGone(ids: readonly string[], deadline: number): Promise<string | undefined> {
    let left = ids;
    for (;;) {
      const present = new Set(this.state.resources.map((resource) => resource.id));
      left = left.filter((id) => present.has(id));
      if (left.length === 0) return undefined;
      if (Date.now() >= deadline) return left[0];
      await withDeadline(this.reconciler.request(), deadline);
    }
  }

  /** Stores the checked resource as CREATING (with `owner` when given) and records the operation; returns it. */
  private accept(candidate: Resource, existing: StoredResource | undefined, owner: string | undefined): StoredResource {
    const { id, kind } = candidate;
    let stored: StoredResource;
    if (existing) {
      if (owner !== undefined) existing.owner = owner;
      existing.spec = candidate.spec;
      existing.dependsOn = candidate.dependsOn;
      existing.generation += 1;
      existing.state = 'CREATING';
      delete existing.reason;
      stored = existing;
    } else {
      stored = { id, kind, dependsOn: candidate.dependsOn, spec: candidate.spec, state: 'CREATING', generation: 1 };
      if (owner !== undefined) stored.owner = owner;
      this.state.resources.push(stored);
    }
    this.record(existing ? 'update' : 'create', { id, kind });
    return stored;
  }

  /** Keeps the resources in creation order. */
  private reorder(order: readonly string[]): void {
    // A run's chunk mostly adds resources of the latest wave, which go last: then the state is in order already.
    const { resources } = this.state;
    if (resources.length === order.length && resources.every((resource, index) => resource.id === order[index])) return;
    const rank = new Map(order.map((resourceId, index) => [resourceId, index]));
    this.state.resources.sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
  }

  private record(op: Operation['op'], resource: { id: string; kind: Kind }): void {
    this.state.seq += 1;
    this.state.operations.push({
      seq: this.state.seq,
      time: new Date().toISOString(),
      op,
      id: resource.id,
      kind: resource.kind,
    });
  }

  private find(kind: Kind, id: string): StoredResource {
    const resource = this.state.resources.find((r) => r.id === id && r.kind === kind);
    if (!resource) throw notFound(kind, id);
    return resource;
  }

  private represent(resource: StoredResource): Representation {
    const status: Representation['status'] = {
      state: resource.state,
      ...(resource.reason ? { reason: resource.reason } : {}),
    };
    if (resource.kind === 'LoadBalancer') status.type = loadBalancerType(resource.spec as { eip?: string });
    if (resource.kind === 'BackendService') status.servers = this.dataPlane.health()[resource.id] ?? [];
    const { id, kind, owner, dependsOn, spec, generation } = resource;
    return {
      id,
      kind,
      ...(owner === undefined ? {} : { owner }),
      dependsOn,
      spec: redactSecrets(spec),
      status,
      generation,
      etag: etagOf(resource),
    };
  }
}

/** Waits for `work`, but no later than `deadline` (epoch ms). */
async function withDeadline(work: Promise<void>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sameContent(existing: StoredResource, candidate: Resource): boolean {
  return canonicalJson([existing.spec, existing.dependsOn]) === canonicalJson([candidate.spec, candidate.dependsOn]);
}
