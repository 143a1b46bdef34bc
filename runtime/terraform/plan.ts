/**
 * PlanResourceChange for one resource: the config with the model's defaults filled in, derived values
 * resolved where they can be (else kept from prior state, else unknown), and `requires_replace` for the fields
 * the model says force one. `id` is "known after apply" on create: a resource replaced keeps its `resource_id`,
 * yet the resources that refer to its `id` see a change and are replaced with it, in Terraform's order.
 */
import { canonicalJson } from '../../lib/canonical';
import { DERIVED_DEFAULTS } from '../../lib/resolve';
import type { Resource } from '../../lib/resource';
import { UNKNOWN, type CtyValue } from './cty';
import { objectOf, specOf } from './convert';
import { issueDiagnostic, type Diagnostic, type PathStep } from './diagnostics';
import type { AttributeSchema, ResourceSchema } from './schema';
import { validateSpec } from './validate';

/** The plan of one resource change. */
export interface ResourcePlan {
  planned: CtyValue;
  requiresReplace: PathStep[][];
  diagnostics: Diagnostic[];
}

/** A copy of `spec` with the model's defaults filled in where a field is unset. */
export function withDefaults(attributes: readonly AttributeSchema[], spec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...spec };
  for (const attribute of attributes) {
    if (attribute.field === undefined) continue;
    let value = out[attribute.field];
    if (value === undefined && attribute.default !== undefined) value = structuredClone(attribute.default);
    if (attribute.nested && value !== undefined && value !== UNKNOWN) {
      const inner = attribute.nested.attributes;
      value = Array.isArray(value)
        ? value.map((item) => (item === UNKNOWN ? item : withDefaults(inner, item as Record<string, unknown>)))
        : withDefaults(inner, value as Record<string, unknown>);
    }
    if (value !== undefined) out[attribute.field] = value;
  }
  return out;
}

type Tree = Record<string, unknown> | unknown[] | undefined;

/** Fills the derived field at `segments` (`servers`, `[]`, `zone`) from `resolved`, else `prior`, else unknown. */
function fillDerived(target: unknown, resolved: unknown, prior: unknown, segments: readonly string[]): void {
  if (target === null || typeof target !== 'object') return;
  const [head, ...rest] = segments as [string, ...string[]];
  const at = (tree: unknown, key: string | number): unknown =>
    tree !== null && typeof tree === 'object' ? (tree as Record<string, unknown>)[key] : undefined;
  if (head === '[]') {
    (target as unknown[]).forEach((item, index) => fillDerived(item, at(resolved, index), at(prior, index), rest));
    return;
  }
  const object = target as Record<string, unknown>;
  if (rest.length > 0) {
    fillDerived(object[head], at(resolved, head), at(prior, head), rest);
  } else if (object[head] === undefined) {
    object[head] = at(resolved, head) ?? at(prior, head) ?? UNKNOWN;
  }
}

function sameValue(a: CtyValue, b: CtyValue): boolean {
  if (a === UNKNOWN || b === UNKNOWN) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Plans a create or update of a resource of `schema` from its `config`; `prior` is its state (null on
 * create) and `others` the other resources the agent has, for the model's cross-component rules.
 */
export function planResource(
  schema: ResourceSchema,
  config: Record<string, CtyValue>,
  prior: Record<string, CtyValue> | null,
  others: readonly Resource[],
): ResourcePlan {
  const resourceId = config.resource_id ?? null;
  const spec = specOf(schema.attributes, config);
  const validation = validateSpec(schema.kind, resourceId, spec, others);
  if (validation.issues.length > 0) {
    return { planned: null, requiresReplace: [], diagnostics: validation.issues.map((issue) => issueDiagnostic(issue)) };
  }
  const planned = withDefaults(schema.attributes, spec);
  const priorSpec: Tree = prior ? specOf(schema.attributes, prior) : undefined;
  for (const path of DERIVED_DEFAULTS[schema.kind]) {
    fillDerived(planned, validation.resolved?.spec, priorSpec, path.replace(/\[\]/g, '.[]').split('.'));
  }
  const object = objectOf(schema.attributes, planned);
  object.resource_id = resourceId;
  const requiresReplace: PathStep[][] = prior
    ? schema.attributes
        .filter((attribute) => attribute.replace && !sameValue(object[attribute.name]!, prior[attribute.name] ?? null))
        .map((attribute) => [{ attribute_name: attribute.name }])
    : [];
  object.id = prior && requiresReplace.length === 0 ? (prior.id ?? null) : UNKNOWN;
  return { planned: object, requiresReplace, diagnostics: [] };
}
