/** What the agent keeps about each resource and the log of operations it accepted. */
import type { Kind, Resource, ResourceState } from '../../lib';

export type { ResourceState };

/** A resource as the agent stores it: the resolved manifest form plus its lifecycle. */
export interface StoredResource {
  id: string;
  kind: Kind;
  /** Sorted ids: explicit edges plus those implied by references. */
  dependsOn: string[];
  /** The resolved spec (defaults filled in). */
  spec: Resource['spec'];
  state: ResourceState;
  /** Why the resource is FAILED. */
  reason?: string;
  /** Bumped on every accepted change of spec or edges; 1 on create. */
  generation: number;
  /** Who manages it (`deploy/<stack>`, `terraform`, `pulumi`…); absent when no PUT ever named an owner. */
  owner?: string;
}

/** One accepted create, update or delete, in the order the agent performed them. */
export interface Operation {
  seq: number;
  /** ISO 8601 time of acceptance. */
  time: string;
  op: 'create' | 'update' | 'delete';
  id: string;
  kind: Kind;
}

/** The whole durable state, as written to `state.json`. */
export interface AgentState {
  version: 1;
  resources: StoredResource[];
  /** The most recent operations (bounded, oldest dropped first). */
  operations: Operation[];
  /** The last operation sequence number handed out. */
  seq: number;
}

/** The state of an agent that has never run. */
export function emptyState(): AgentState {
  return { version: 1, resources: [], operations: [], seq: 0 };
}

/** The manifest form of a stored resource (lifecycle fields dropped). */
export function toResource(stored: StoredResource): Resource {
  return { id: stored.id, kind: stored.kind, dependsOn: stored.dependsOn, spec: stored.spec } as Resource;
}

/**
 * A copy of `state` that later changes to it leave alone: the resources copied one by one (their `spec` and
 * `dependsOn` are replaced on a change, never edited in place, so they are shared), the last `operationsKept`
 * operations.
 */
export function copyState(state: AgentState, operationsKept: number): AgentState {
  return {
    version: state.version,
    resources: state.resources.map((r) => ({ ...r })),
    operations: state.operations.slice(-operationsKept),
    seq: state.seq,
  };
}

/**
 * Puts `live` back to `saved` in place: the resources `saved` has get their saved fields back (the objects
 * others hold stay the same), the others go, and the operations and sequence number are the saved ones.
 */
export function restoreState(live: AgentState, saved: AgentState): void {
  const current = new Map(live.resources.map((r) => [r.id, r]));
  live.resources = saved.resources.map((savedResource) => {
    const resource = current.get(savedResource.id);
    if (resource === undefined) return { ...savedResource };
    for (const field of Object.keys(resource) as (keyof StoredResource)[])
      if (!(field in savedResource)) delete resource[field];
    return Object.assign(resource, savedResource);
  });
  live.operations = saved.operations.slice();
  live.seq = saved.seq;
}
