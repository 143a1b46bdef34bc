/**
 * Plan-time validation with the model's own schemas and rules: the kind's zod schema (issues under a value
 * not yet known are left for later) and lib's cross-component rules, run against the other resources known
 * (the agent's, at plan time). Issues name the resource id and the field.
 */
import { zodIssues, type Issue } from '../../lib/errors';
import { ResourceRef } from '../../lib/model/common';
import { KINDS, referencesOf, type Kind } from '../../lib/model/kinds';
import { resolveDefaults } from '../../lib/resolve';
import type { Resource } from '../../lib/resource';
import { checkRules } from '../../lib/rules';
import { hasUnknown, UNKNOWN } from './cty';

/** What validating a resource found: its issues and, when it is fully known and valid, its resolved form. */
export interface Validation {
  issues: Issue[];
  /** The resource with defaults and derived values filled in (absent while any part is unknown). */
  resolved?: Resource;
}

/** True when the value at `path` in `value`, or any value on the way there, is unknown. */
function underUnknown(value: unknown, path: readonly PropertyKey[]): boolean {
  let current = value;
  for (const key of path) {
    if (current === UNKNOWN) return true;
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current === UNKNOWN;
}

/** Validates a spec of `kind` as resource `id`, with `others` (other resources, such as the agent's) as context. */
export function validateSpec(
  kind: Kind,
  id: unknown,
  spec: Record<string, unknown>,
  others: readonly Resource[] = [],
): Validation {
  const label = typeof id === 'string' ? id : kind;
  const issues: Issue[] = [];
  if (typeof id === 'string') {
    const idResult = ResourceRef.safeParse(id);
    if (!idResult.success) issues.push(...zodIssues(label, idResult.error, ['resourceId']));
  }
  const parsed = KINDS[kind].schema.safeParse(spec);
  if (!parsed.success) {
    const known = parsed.error.issues.filter((issue) => !underUnknown(spec, issue.path));
    issues.push(...zodIssues(label, { issues: known }));
    return { issues };
  }
  if (typeof id !== 'string' || hasUnknown(spec as never) || issues.length > 0) return { issues };
  const references = referencesOf(kind, parsed.data);
  const resource = {
    id,
    kind,
    dependsOn: [...new Set(references.map((ref) => ref.id))].sort(),
    spec: parsed.data,
  } as Resource;
  const context = [...others.filter((other) => other.id !== id), resource];
  const known = new Set([...context.map((r) => r.id), ...resource.dependsOn]);
  issues.push(...checkRules(context, known).filter((issue) => issue.path === id));
  if (issues.length > 0) return { issues };
  return { issues, resolved: resolveDefaults(context).find((r) => r.id === id)! };
}
