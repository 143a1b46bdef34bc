/**
 * Planning against a live agent: resources that exist but are not ACTIVE (still CREATING, or FAILED) and are
 * still desired are planned as if absent, so the run puts them again and waits for them; the rest is
 * lib's `plan`.
 */
import { plan, type Plan, type Resource, type ResourceState } from '../../lib';

/** A resource as the agent reports it: the manifest form plus its lifecycle state. */
export interface LiveResource {
  /** The manifest form: id, kind, edges and resolved spec. */
  resource: Resource;
  /** The lifecycle state the agent reports. */
  state: ResourceState;
  /** Why it FAILED, when it did. */
  reason?: string;
  /** Who manages it (`deploy/<stack>`, `terraform`…); absent when unowned. */
  owner?: string;
  /** The version read (the agent's etag), for the precondition of a write planned on it; absent: none. */
  etag?: string;
}

/** The live resources (none DELETING) a plan to the desired ones starts from: all but the desired ones not ACTIVE. */
export function plannedCurrent(live: readonly LiveResource[], desired: readonly Resource[]): Resource[] {
  const wanted = new Set(desired.map((r) => r.id));
  return live.filter(({ resource, state }) => state === 'ACTIVE' || !wanted.has(resource.id)).map((l) => l.resource);
}

/** The plan from the live resources (none DELETING) to the desired ones. */
export function livePlan(live: readonly LiveResource[], desired: readonly Resource[]): Plan {
  return plan(plannedCurrent(live, desired), desired);
}
