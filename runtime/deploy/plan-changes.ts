/**
 * What each step of a plan changes, field by field, as `terraform plan` shows it: the old and the new value of
 * every leaf that differs, named by its path (`healthCheck.intervalMs`, `servers[1].weight`); a create lists
 * every leaf it sets, a delete every leaf that goes. Secrets (`lib/secrets.ts`) appear as their fingerprints,
 * never as the secret itself.
 */
import { KINDS, redactSecrets, SECRET_FIELDS, type Plan, type Resource, type Step } from '../../lib';

/** One leaf a step changes. */
export interface FieldChange {
  /** The leaf's path in the spec: `port`, `healthCheck.intervalMs`, `servers[1].weight`; `dependsOn[0]`, `kind`. */
  path: string;
  /** The value before (a secret as its fingerprint); absent when the leaf is new. */
  before?: unknown;
  /** The value after (a secret as its fingerprint); absent when the leaf goes. */
  after?: unknown;
  /** True when this field's change makes the step a replace. @default false (absent) */
  forcesReplace?: true;
  /** True for a secret field: `before`/`after` are fingerprints. @default false (absent) */
  sensitive?: true;
}

/** A plan step with the leaves it changes. */
export interface DetailedStep extends Step {
  /** Every leaf the step sets, changes or removes, in path order. */
  changes: FieldChange[];
}

/** A plan whose steps carry their changes. */
export interface DetailedPlan extends Plan {
  waves: DetailedStep[][];
}

/**
 * The plan with each step's field changes, from the resources it was planned on: `current` as the plan saw
 * them, `desired` as they are to be.
 */
export function detailPlan(plan: Plan, current: readonly Resource[], desired: readonly Resource[]): DetailedPlan {
  const before = new Map(current.map((r) => [r.id, r]));
  const after = new Map(desired.map((r) => [r.id, r]));
  const waves = plan.waves.map((wave) =>
    wave.map((step): DetailedStep => {
      const old = step.action === 'create' ? undefined : before.get(step.id);
      const next = step.action === 'delete' ? undefined : after.get(step.id);
      return { ...step, changes: resourceChanges(old, next) };
    }),
  );
  return { ...plan, waves };
}

/** The leaves that differ between two versions of a resource (either may be absent). */
export function resourceChanges(before: Resource | undefined, after: Resource | undefined): FieldChange[] {
  const forcing = new Set<string>(after ? KINDS[after.kind].replaceOnChange : []);
  const changes: FieldChange[] = [];
  if (before && after && before.kind !== after.kind)
    changes.push({ path: 'kind', before: before.kind, after: after.kind, forcesReplace: true });
  const leaves = (resource: Resource | undefined): Map<string, Leaf> => {
    const out = new Map<string, Leaf>();
    if (!resource) return out;
    flatten(redactSecrets(resource.spec), '', out, false);
    if (resource.dependsOn.length > 0) flatten([...resource.dependsOn].sort(), 'dependsOn', out, false);
    return out;
  };
  const old = leaves(before);
  const next = leaves(after);
  // Both in canonical order (specs have sorted keys): the new version's leaves, then those only the old one had.
  const paths = [...next.keys(), ...[...old.keys()].filter((path) => !next.has(path))];
  for (const path of paths) {
    const a = old.get(path);
    const b = next.get(path);
    if (a && b && sameLeaf(a.value, b.value)) continue;
    const change: FieldChange = { path };
    if (a) change.before = a.value;
    if (b) change.after = b.value;
    if (before && after && forcing.has(topField(path))) change.forcesReplace = true;
    if (a?.sensitive || b?.sensitive) change.sensitive = true;
    changes.push(change);
  }
  return changes;
}

interface Leaf {
  value: unknown;
  sensitive: boolean;
}

/** Every leaf of `value` under `path`: scalars, and empty arrays or objects as themselves. */
function flatten(value: unknown, path: string, out: Map<string, Leaf>, sensitive: boolean): void {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((item, index) => flatten(item, `${path}[${index}]`, out, sensitive));
    return;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      flatten(item, path === '' ? key : `${path}.${key}`, out, SECRET_FIELDS.has(key));
    }
    return;
  }
  out.set(path, { value, sensitive });
}

/** `healthCheck` of `healthCheck.intervalMs`, `servers` of `servers[1].weight`. */
function topField(path: string): string {
  return /^[^.[]*/.exec(path)![0];
}

/** Equal leaves: the same scalar, or both the same empty array or object. */
function sameLeaf(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}
