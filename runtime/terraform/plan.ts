/**
 * PlanResourceChange for one resource: the config with the model's defaults filled in (HTTP-only ones only
 * where they apply), derived values resolved where they can be (else kept from prior state, else unknown), and
 * `requires_replace` for the fields the model says force one (`plannedId` says when `id` is known). Each
 * planned resource is recorded for the rules of the resources planned after it.
 */
import { canonicalJson } from '../../lib/canonical';
import { DERIVED_DEFAULTS } from '../../lib/resolve';
import type { Resource } from '../../lib/resource';
import { UNKNOWN, type CtyValue } from './cty';
import { objectOf, specOf, withDefaults } from './convert';
import { attributeName, errorDiagnostic, issueDiagnostic, type Diagnostic, type PathStep } from './diagnostics';
import { planHttpOnlyFields } from './http-only';
import { configKey, type PlannedResources } from './planned-resources';
import type { ResourceSchema } from './schema';
import { validateSpec, type OtherIssue } from './validate';

/** The plan of one resource change. */
export interface ResourcePlan {
  planned: CtyValue;
  requiresReplace: PathStep[][];
  diagnostics: Diagnostic[];
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
    const derived = at(resolved, head);
    object[head] = derived !== undefined && derived !== UNKNOWN ? derived : (at(prior, head) ?? UNKNOWN);
  }
}

function sameValue(a: CtyValue, b: CtyValue): boolean {
  if (a === UNKNOWN || b === UNKNOWN) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * The planned `id`: kept on update; on create the `resource_id` when the agent has no such resource (so the
 * resources referring to it are checked against it at plan), else "known after apply". Terraform plans the
 * new object of a replace as a create, while the agent still has the old one: its `id` is then unknown, and
 * the resources that refer to it are replaced with it.
 */
function plannedId(
  resourceId: CtyValue,
  prior: Record<string, CtyValue> | null,
  replaced: boolean,
  agent: readonly Resource[],
): CtyValue {
  if (prior) return replaced ? UNKNOWN : (prior.id ?? null);
  return typeof resourceId === 'string' && !agent.some((resource) => resource.id === resourceId) ? resourceId : UNKNOWN;
}

/** What a plan is made against. */
export interface PlanContext {
  /** The agent's resources. */
  agent: readonly Resource[];
  /** The resources planned before in this process; the plan records this one there. */
  planned: PlannedResources;
  /** False while Terraform destroys (its refresh plans every resource): nothing is refused then. */
  check: boolean;
}

/** A diagnostic for an issue about another resource of the configuration, which has no attribute in this block. */
function otherDiagnostic({ typeName, issue }: OtherIssue): Diagnostic {
  const field = issue.field === '' ? '' : `${attributeName(issue.field)}: `;
  return errorDiagnostic(
    `${typeName} "${issue.path}": ${field}${issue.message}`,
    `${issue.path}: ${field}${issue.message}`,
  );
}

/** The refusal of a second resource of the configuration with a `resource_id` planned already. */
function clashDiagnostic(id: string, typeName: string, other: string): Diagnostic {
  return {
    ...errorDiagnostic(
      `resource_id: "${id}" is also the resource_id of ${
        other === typeName ? 'another' : 'an'
      } ${other} of this configuration`,
      `Two resources with one resource_id would overwrite each other on the agent. Give this ${typeName} or that ${other} another resource_id.`,
    ),
    attribute: { steps: [{ attribute_name: 'resource_id' }] },
  };
}

/**
 * Plans a create or update of a resource of `schema` from its `config`; `prior` is its state (null on
 * create), `context` the agent's resources and the resources planned before, for the model's rules.
 */
export function planResource(
  schema: ResourceSchema,
  config: Record<string, CtyValue>,
  prior: Record<string, CtyValue> | null,
  context: PlanContext,
): ResourcePlan {
  const resourceId = config.resource_id ?? null;
  const spec = specOf(schema.attributes, config);
  const key = configKey(config);
  if (context.check && typeof resourceId === 'string') {
    const clash = context.planned.clashWith({ typeName: schema.typeName, id: resourceId, key });
    if (clash)
      return {
        planned: null,
        requiresReplace: [],
        diagnostics: [clashDiagnostic(resourceId, schema.typeName, clash.typeName)],
      };
  }
  const planned = context.planned.othersThan(typeof resourceId === 'string' ? resourceId : '');
  const validation = validateSpec(schema, resourceId, spec, { agent: context.agent, planned });
  const diagnostics = [
    ...validation.issues.map((issue) => issueDiagnostic(issue)),
    ...validation.others.map(otherDiagnostic),
  ];
  if (context.check && diagnostics.length > 0) return { planned: null, requiresReplace: [], diagnostics };
  const plannedSpec = withDefaults(schema.attributes, spec);
  if (typeof resourceId === 'string') {
    context.planned.record({
      typeName: schema.typeName,
      kind: schema.kind,
      id: resourceId,
      attributes: schema.attributes,
      spec: plannedSpec,
      key,
    });
  }
  const priorSpec: Tree = prior ? specOf(schema.attributes, prior) : undefined;
  for (const path of DERIVED_DEFAULTS[schema.kind]) {
    fillDerived(plannedSpec, validation.resolved, priorSpec, path.replace(/\[\]/g, '.[]').split('.'));
  }
  planHttpOnlyFields(schema.kind, plannedSpec, spec);
  const object = objectOf(schema.attributes, plannedSpec);
  object.resource_id = resourceId;
  const requiresReplace: PathStep[][] = prior
    ? schema.attributes
        .filter((attribute) => attribute.replace && !sameValue(object[attribute.name]!, prior[attribute.name] ?? null))
        .map((attribute) => [{ attribute_name: attribute.name }])
    : [];
  object.id = plannedId(resourceId, prior, requiresReplace.length > 0, context.agent);
  return { planned: object, requiresReplace, diagnostics: [] };
}
