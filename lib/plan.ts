/**
 * plan(current, desired): the ordered steps that turn the current resources into the desired ones.
 *
 * - create: in desired, not in current.
 * - update: in both, some field changed, none of them one of the kind's `replaceOnChange` fields.
 * - replace: a `replaceOnChange` field changed (a listener's protocol or port, a load balancer's VPC…); the
 *   resource is deleted, then created. Whatever currently depends on it must go first, so its current
 *   dependents are replaced too (or deleted, if they are not desired).
 * - delete: in current, not in desired.
 *
 * Steps run in waves; the steps of one wave may run in parallel. Phases: (1) the delete halves of replaces,
 * dependents first; (2) creates, updates and the create halves of replaces, dependencies first; (3) deletes of
 * what is no longer desired, dependents first, once nothing desired refers to it any more.
 */
import { canonicalJson } from './canonical';
import { createWaves, destroyWaves, type Node } from './graph';
import { KINDS, type Kind } from './model/kinds';
import type { Resource } from './resource';
import { redactSecrets } from './secrets';

/** What a plan does to one resource. */
export type Action = 'create' | 'update' | 'replace' | 'delete';

/** One step of a plan: one call to the control API. A replace is two steps, a delete and later a put. */
export interface Step {
  /** The action the step belongs to. */
  action: Action;
  /** What the executor does: `put` the desired resource, or `delete` the current one. */
  operation: 'put' | 'delete';
  /** The resource id. */
  id: string;
  /** The resource's kind: the desired one for a put, the current one for a delete. */
  kind: Kind;
  /** Top-level fields that differ (`dependsOn` included), for update and replace. */
  fields: string[];
  /** Why a replace happens: the field that forces it, or the dependency being replaced. */
  reason?: string;
}

/** The ordered steps from the current resources to the desired ones. */
export interface Plan {
  /** Steps in waves: every step of a wave may run once the previous waves are done. */
  waves: Step[][];
  /** How many resources each action touches (a replace counts once). */
  summary: Record<Action, number>;
}

/** The fields of two versions of a resource that differ. */
function changedFields(before: Resource, after: Resource): string[] {
  const a = before.spec as unknown as Record<string, unknown>;
  const b = after.spec as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  // A key read back from the agent is its fingerprint: compare fingerprints, which differ exactly when keys do.
  const fields = keys.filter((key) => canonicalJson(redactSecrets(a[key])) !== canonicalJson(redactSecrets(b[key])));
  if (canonicalJson([...before.dependsOn].sort()) !== canonicalJson([...after.dependsOn].sort()))
    fields.push('dependsOn');
  return fields;
}

/** The graph nodes of the resources whose ids are in `ids`. */
function restrict(resources: readonly Resource[], ids: ReadonlySet<string>): Node[] {
  return resources.filter((resource) => ids.has(resource.id));
}

/**
 * The steps that turn `current` into `desired` (both as `validateResources` returns them), in waves; see the
 * module comment for the phases. Deterministic: ids are sorted within each wave.
 */
export function plan(current: readonly Resource[], desired: readonly Resource[]): Plan {
  const now = new Map(current.map((resource) => [resource.id, resource]));
  const want = new Map(desired.map((resource) => [resource.id, resource]));
  const actions = new Map<string, { action: Action; fields: string[]; reason?: string }>();

  for (const resource of desired) {
    const existing = now.get(resource.id);
    if (!existing) {
      actions.set(resource.id, { action: 'create', fields: [] });
      continue;
    }
    const fields = changedFields(existing, resource);
    if (fields.length === 0) continue;
    const forcing =
      existing.kind !== resource.kind
        ? 'kind'
        : fields.find((field) => (KINDS[resource.kind].replaceOnChange as readonly string[]).includes(field));
    actions.set(resource.id, forcing ? { action: 'replace', fields, reason: forcing } : { action: 'update', fields });
  }
  for (const resource of current) {
    if (!want.has(resource.id)) actions.set(resource.id, { action: 'delete', fields: [] });
  }

  // Whatever currently depends on a replaced resource goes first: replaced if still desired, else deleted early.
  const dependents = new Map<string, string[]>();
  for (const resource of current) {
    for (const dep of resource.dependsOn) dependents.set(dep, [...(dependents.get(dep) ?? []), resource.id]);
  }
  const earlyDelete = new Set<string>();
  const queue = [...actions].filter(([, a]) => a.action === 'replace').map(([id]) => id);
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (earlyDelete.has(id)) continue;
    earlyDelete.add(id);
    for (const dependent of dependents.get(id) ?? []) {
      const existing = actions.get(dependent);
      if (want.has(dependent) && existing?.action !== 'replace') {
        const fields = existing?.fields ?? [];
        actions.set(dependent, { action: 'replace', fields, reason: `depends on ${id}, which is replaced` });
      }
      queue.push(dependent);
    }
  }

  const step = (id: string, operation: 'put' | 'delete'): Step => {
    const { action, fields, reason } = actions.get(id) as { action: Action; fields: string[]; reason?: string };
    const resource = (operation === 'put' ? want.get(id) : now.get(id)) as Resource;
    return { action, operation, id, kind: resource.kind, fields, ...(reason ? { reason } : {}) };
  };
  const puts = new Set([...actions].filter(([, a]) => a.action !== 'delete').map(([id]) => id));
  const lateDelete = new Set(
    [...actions].filter(([id, a]) => a.action === 'delete' && !earlyDelete.has(id)).map(([id]) => id),
  );

  const waves = [
    ...destroyWaves(restrict(current, earlyDelete)).map((wave) => wave.map((id) => step(id, 'delete'))),
    ...createWaves(restrict(desired, puts)).map((wave) => wave.map((id) => step(id, 'put'))),
    ...destroyWaves(restrict(current, lateDelete)).map((wave) => wave.map((id) => step(id, 'delete'))),
  ];
  const summary: Record<Action, number> = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const { action } of actions.values()) summary[action] += 1;
  return { waves, summary };
}

/** True when the plan changes nothing. */
export function isEmptyPlan(p: Plan): boolean {
  return p.waves.length === 0;
}
