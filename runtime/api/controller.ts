/**
 * The "cloud" behind the control API: create-or-update, read and delete of resources with the order a cloud
 * enforces (a dependency must exist and be ACTIVE; a resource others depend on cannot go), validation of the
 * whole would-be state before anything changes, the operation log, and durable state.
 */
import { z } from 'zod';
import {
  API_VERSION,
  KINDS,
  ResourceRef,
  ValidationError,
  canonicalJson,
  contentHash,
  loadBalancerType,
  parseSpec,
  referencesOf,
  validateChange,
  zodIssues,
  type Kind,
  type Manifest,
  type Resource,
  type ResourceStatus,
} from '../../lib';
import { etagOf } from '../client/precondition';
import type { FileStore } from '../store/file-store';
import { Owner } from '../store/owner';
import { toResource, type AgentState, type Operation, type StoredResource } from '../store/state';
import { checkConditions, type Conditions } from './conditional';
import type { DataPlanePort } from './data-plane-port';
import { conflict, invalid, notFound } from './errors';
import type { Reconciler } from './reconciler';

/** The body of `PUT /v1/<collection>/<id>`. */
export const PutBody = z.strictObject({
  /** The kind's spec; validated with the kind's schema. */
  spec: z.unknown(),
  /** Extra dependencies beyond those the spec's references imply. @default [] */
  dependsOn: z.array(ResourceRef).max(1000).optional(),
  /**
   * Who manages the resource (`terraform`, `pulumi`, `deploy/<stack>`…); a deploy of a stack never changes
   * another owner's resources. @default on update the owner it has; on create none
   */
  owner: Owner.optional(),
});
export type PutBody = z.infer<typeof PutBody>;

/** A resource as the control API returns it. */
export interface Representation {
  id: string;
  kind: Kind;
  /** Who manages it; absent when unowned. */
  owner?: string;
  dependsOn: string[];
  spec: Resource['spec'];
  status: ResourceStatus;
  generation: number;
  /** The version of the resource (generation and owner), for `If-Match` on a later PUT or DELETE. */
  etag: string;
}

/** The longest wait of `watch` (`GET /v1/<collection>/<id>?wait=`). */
export const MAX_WAIT_MS = 60_000;

/** How long a PUT waits for its change to reach the data plane before answering (it answers CREATING then). */
const PUT_SETTLE_MS = 10_000;

/** The resources of one agent and the rules for changing them; the control API's routes call it. */
export class Controller {
  constructor(
    private readonly state: AgentState,
    private readonly store: FileStore,
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
    const resources = this.state.resources
      .filter((r) => r.state !== 'DELETING' && (owner === undefined || r.owner === owner))
      .map(toResource);
    return { apiVersion: API_VERSION, resources, hash: contentHash({ apiVersion: API_VERSION, resources }) };
  }

  /**
   * Creates or updates a resource. Resolves with the representation and whether it was created; rejects with
   * an `ApiError` (400 invalid, 409 out of order or a replace-only change, 412 when `conditions` fail) leaving
   * the state untouched.
   */
  async put(kind: Kind, id: string, body: unknown, conditions: Conditions = {}): Promise<{ created: boolean; resource: Representation }> {
    const { candidate, order, owner } = this.check(kind, id, body);
    const existing = this.state.resources.find((r) => r.id === id);
    checkConditions(kind, id, existing, conditions);
    if (existing && sameContent(existing, candidate)) {
      // A new owner alone is bookkeeping: stored, but no operation, no new generation, nothing for the data plane.
      if (owner !== undefined && owner !== existing.owner) {
        existing.owner = owner;
        await this.store.save(this.state);
      }
      if (existing.state !== 'ACTIVE') await this.settle(existing);
      return { created: false, resource: this.represent(existing) };
    }
    this.accept(candidate, existing, order, owner);
    await this.store.save(this.state);
    const stored = this.state.resources.find((r) => r.id === id) as StoredResource;
    await this.settle(stored);
    return { created: existing === undefined, resource: this.represent(stored) };
  }

  /** Starts deleting a resource; 404 when absent, 409 while another resource depends on it, 412 when `conditions` fail. */
  async delete(kind: Kind, id: string, conditions: Conditions = {}): Promise<Representation> {
    const resource = this.find(kind, id);
    checkConditions(kind, id, resource, conditions);
    if (resource.state !== 'DELETING') {
      const dependent = this.state.resources.find((r) => r.dependsOn.includes(id));
      if (dependent) {
        const advice = dependent.state === 'DELETING' ? `wait until ${dependent.id} is gone` : `delete ${dependent.id} first`;
        throw conflict(`${kind} "${id}" cannot be deleted: ${dependent.kind} "${dependent.id}" depends on it; ${advice}`);
      }
      resource.state = 'DELETING';
      delete resource.reason;
      this.record('delete', resource);
      await this.store.save(this.state);
      void this.reconciler.request();
    }
    return this.represent(resource);
  }

  /** Resolves once the resource is no longer CREATING (or is gone), or the deadline passed. */
  async settle(resource: StoredResource, deadlineMs = PUT_SETTLE_MS): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    do {
      await withDeadline(this.reconciler.request(), deadline);
    } while (resource.state === 'CREATING' && this.state.resources.includes(resource) && Date.now() < deadline);
  }

  /** Resolves once the resource with this id is gone; rejects with a 409 when it is still there at the deadline. */
  async gone(id: string, deadlineMs: number): Promise<void> {
    if (!(await this.untilGone(id, Date.now() + deadlineMs))) throw conflict(`"${id}" is still being deleted after ${deadlineMs} ms`);
  }

  /**
   * `get` after waiting up to `waitMs` while the resource is CREATING (until ACTIVE or FAILED) or DELETING
   * (until gone: then 404), so clients wait for an outcome with one request instead of polling.
   */
  async watch(kind: Kind, id: string, waitMs: number): Promise<Representation> {
    const resource = this.find(kind, id);
    if (resource.state === 'CREATING') await this.settle(resource, waitMs);
    if (resource.state === 'DELETING') await this.untilGone(id, Date.now() + waitMs);
    return this.get(kind, id);
  }

  /** True once the resource with this id is gone, false when it is still there at `deadline` (epoch ms). */
  private async untilGone(id: string, deadline: number): Promise<boolean> {
    while (this.state.resources.some((r) => r.id === id)) {
      if (Date.now() >= deadline) return false;
      await withDeadline(this.reconciler.request(), deadline);
    }
    return true;
  }

  /**
   * Validates a PUT; returns the resolved resource it would store, the creation order of the would-be state
   * and the owner the body names. Throws `ApiError`.
   */
  private check(kind: Kind, id: string, body: unknown): { candidate: Resource; order: string[]; owner?: string } {
    const idResult = ResourceRef.safeParse(id);
    if (!idResult.success) throw invalid(zodIssues(id, idResult.error).map((issue) => ({ ...issue, field: 'id' })));
    const parsedBody = PutBody.safeParse(body ?? undefined);
    if (!parsedBody.success) throw invalid(zodIssues(id, parsedBody.error));
    const parsed = parseSpec(kind, id, parsedBody.data.spec);
    if (parsed.issues.length > 0) throw invalid(parsed.issues);

    const existing = this.state.resources.find((r) => r.id === id);
    if (existing && existing.kind !== kind) throw conflict(`"${id}" is a ${existing.kind}, not a ${kind}`);
    if (existing?.state === 'DELETING') throw conflict(`${kind} "${id}" is being deleted; wait until it is gone, then create it again`);
    this.checkDependencies(kind, id, parsed.spec, parsedBody.data.dependsOn ?? []);

    let resolved: Resource[];
    try {
      // The stored resources are valid together (checked on load and on every change): only the change is checked.
      resolved = validateChange(this.state.resources.map(toResource), { id, kind, dependsOn: parsedBody.data.dependsOn ?? [], spec: parsedBody.data.spec });
    } catch (error) {
      if (error instanceof ValidationError) throw invalid(error.issues);
      throw error;
    }
    const candidate = resolved.find((r) => r.id === id) as Resource;
    if (existing) {
      const forced = (KINDS[kind].replaceOnChange as readonly string[]).find(
        (field) => canonicalJson(field in existing.spec ? (existing.spec as never)[field] : undefined) !== canonicalJson((candidate.spec as never)[field]),
      );
      if (forced) {
        throw conflict(`${kind} "${id}": ${forced} cannot change in place; delete the ${kind} and create it again (replace)`);
      }
    }
    return { candidate, order: resolved.map((r) => r.id), owner: parsedBody.data.owner };
  }

  /** 409 unless every dependency exists and is ACTIVE; the message names both resources. */
  private checkDependencies(kind: Kind, id: string, spec: unknown, explicit: readonly string[]): void {
    const needs = [
      ...referencesOf(kind, spec).map((ref) => ({ id: ref.id, what: `${ref.field} refers to ${ref.kind} "${ref.id}"` })),
      ...explicit.map((dep) => ({ id: dep, what: `dependsOn lists "${dep}"` })),
    ];
    for (const need of needs) {
      if (need.id === id) continue;
      const dependency = this.state.resources.find((r) => r.id === need.id);
      if (!dependency) throw conflict(`${kind} "${id}": ${need.what}, which does not exist; create "${need.id}" first`);
      if (dependency.state !== 'ACTIVE') {
        throw conflict(
          `${kind} "${id}": ${need.what}, which is ${dependency.state}, not ACTIVE; ` +
            (dependency.state === 'CREATING' ? `wait until "${need.id}" is ACTIVE` : `fix or recreate "${need.id}" first`),
        );
      }
    }
  }

  /**
   * Stores the checked resource as CREATING (with `owner` when given), records the operation and keeps
   * resources in creation order.
   */
  private accept(candidate: Resource, existing: StoredResource | undefined, order: readonly string[], owner: string | undefined): void {
    const { id, kind } = candidate;
    if (existing) {
      if (owner !== undefined) existing.owner = owner;
      existing.spec = candidate.spec;
      existing.dependsOn = candidate.dependsOn;
      existing.generation += 1;
      existing.state = 'CREATING';
      delete existing.reason;
    } else {
      const created: StoredResource = { id, kind, dependsOn: candidate.dependsOn, spec: candidate.spec, state: 'CREATING', generation: 1 };
      if (owner !== undefined) created.owner = owner;
      this.state.resources.push(created);
    }
    const rank = new Map(order.map((resourceId, index) => [resourceId, index]));
    this.state.resources.sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
    this.record(existing ? 'update' : 'create', { id, kind });
  }

  private record(op: Operation['op'], resource: { id: string; kind: Kind }): void {
    this.state.seq += 1;
    this.state.operations.push({ seq: this.state.seq, time: new Date().toISOString(), op, id: resource.id, kind: resource.kind });
  }

  private find(kind: Kind, id: string): StoredResource {
    const resource = this.state.resources.find((r) => r.id === id && r.kind === kind);
    if (!resource) throw notFound(kind, id);
    return resource;
  }

  private represent(resource: StoredResource): Representation {
    const status: Representation['status'] = { state: resource.state, ...(resource.reason ? { reason: resource.reason } : {}) };
    if (resource.kind === 'LoadBalancer') status.type = loadBalancerType(resource.spec as { eip?: string });
    if (resource.kind === 'BackendService') status.servers = this.dataPlane.health()[resource.id] ?? [];
    const { id, kind, owner, dependsOn, spec, generation } = resource;
    return { id, kind, ...(owner === undefined ? {} : { owner }), dependsOn, spec, status, generation, etag: etagOf(resource) };
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
