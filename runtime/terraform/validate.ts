/**
 * Plan-time validation with the model's own schemas and rules: the kind's zod schema (issues under a value
 * not yet known are left for apply) and lib's rules across components, run on whatever is known. Unknown
 * values take stand-ins in several worlds (`partial.ts`), and only the issues every world agrees on are
 * reported, so a rule whose inputs are known runs even when other fields of the resource are unknown, and a
 * reference not yet known skips only the rules that need the resource it names. With a context (at plan),
 * the rules also see the agent's resources and the resources planned before this one in the same process.
 */
import { formatIssue, PARSE_OPTIONS, zodIssues, type Issue } from '../../lib/errors';
import { ResourceRef } from '../../lib/model/common';
import { KINDS, referencesOf } from '../../lib/model/kinds';
import { resolveResource } from '../../lib/resolve';
import { ResourceIndex, type Resource } from '../../lib/resource';
import { checkRules } from '../../lib/rules';
import { hasUnknown, UNKNOWN, type CtyValue } from './cty';
import { withDefaults } from './convert';
import { agreed, inWorld, WORLDS } from './partial';
import type { PlannedResource } from './planned-resources';
import type { ResourceSchema } from './schema';

/** What a resource is checked against at plan: the agent's resources and those planned before it. */
export interface ValidationContext {
  agent: readonly Resource[];
  planned: readonly PlannedResource[];
}

/** An issue about another planned resource that this one brings about (a port the later of two takes). */
export interface OtherIssue {
  typeName: string;
  issue: Issue;
}

/** What validating a resource found. */
export interface Validation {
  issues: Issue[];
  /** Issues about resources planned earlier that appear only with this one. */
  others: OtherIssue[];
  /** The spec with defaults and derived values filled in where they are known (`UNKNOWN` elsewhere). */
  resolved?: Record<string, unknown>;
}

/**
 * True when the issue may depend on an unknown: the value at its path, or any value on the way there, is
 * unknown, or (for a union, which tries every branch on the whole value) any value inside it is.
 */
function underUnknown(value: unknown, issue: { path: readonly PropertyKey[]; code: string }): boolean {
  let current = value;
  for (const key of issue.path) {
    if (current === UNKNOWN) return true;
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return issue.code === 'invalid_union' ? hasUnknown(current as CtyValue) : current === UNKNOWN;
}

/**
 * A resource in manifest form from a spec that has defaults applied. Terraform carries no explicit edges
 * (`depends_on` orders Terraform's calls only), so `dependsOn` stays empty and the references are checked once.
 */
function resourceOf(kind: Resource['kind'], id: string, spec: Record<string, unknown>): Resource {
  return { id, kind, dependsOn: [], spec } as unknown as Resource;
}

interface World {
  issues: Issue[];
  resolved: unknown;
}

/**
 * The rules in one world, about `id` and the planned resources, with `self` among the resources or (to see
 * what it brings about) without it; undefined when a rule could not run on the stand-ins.
 */
function runWorld(
  id: string,
  self: Resource | undefined,
  planned: readonly Resource[],
  context: ValidationContext | undefined,
): World | undefined {
  const plannedIds = new Set(planned.map((resource) => resource.id));
  const agent = (context?.agent ?? []).filter((resource) => resource.id !== id && !plannedIds.has(resource.id));
  const resources = [...agent, ...planned, ...(self ? [self] : [])];
  const known = context
    ? new Set([...resources.map((resource) => resource.id), id])
    : new Set([
        ...resources.map((resource) => resource.id),
        ...(self ? referencesOf(self.kind, self.spec).map((ref) => ref.id) : []),
      ]);
  try {
    const issues = checkRules(resources, known).filter((issue) => issue.path === id || plannedIds.has(issue.path));
    return { issues, resolved: self && resolveResource(self, new ResourceIndex(resources)).spec };
  } catch {
    return undefined;
  }
}

/** The issues found alike in every world. */
function agreedIssues(worlds: readonly (World | undefined)[]): Issue[] {
  if (worlds.some((world) => world === undefined)) return [];
  const [first, ...rest] = worlds as World[];
  const keys = rest.map((world) => new Set(world.issues.map(formatIssue)));
  return first!.issues.filter((issue) => keys.every((set) => set.has(formatIssue(issue))));
}

/**
 * Validates `spec` (spec form, unknowns as `UNKNOWN`) of a resource of `schema` as resource `id`; with a
 * `context` (at plan), references must name resources of the agent or planned before, and the rules across
 * resources run against them.
 */
export function validateSpec(
  schema: ResourceSchema,
  id: unknown,
  spec: Record<string, unknown>,
  context?: ValidationContext,
): Validation {
  const { kind } = schema;
  const label = typeof id === 'string' ? id : kind;
  const issues: Issue[] = [];
  if (typeof id === 'string') {
    const idResult = ResourceRef.safeParse(id);
    if (!idResult.success) issues.push(...zodIssues(label, idResult.error, ['resourceId']));
  }
  const parsed = KINDS[kind].schema.safeParse(spec, PARSE_OPTIONS);
  if (!parsed.success) {
    const known = parsed.error.issues.filter((issue) => !underUnknown(spec, issue));
    issues.push(...zodIssues(label, { issues: known }));
  }
  if (typeof id !== 'string' || issues.length > 0) return { issues, others: [] };

  const fullyKnown = parsed.success && !hasUnknown(spec as CtyValue);
  const planned = context?.planned ?? [];
  const worldsOf = (withSelf: boolean): (World | undefined)[] =>
    Array.from({ length: fullyKnown && planned.length === 0 ? 1 : WORLDS }, (_, world) => {
      const ownSpec = fullyKnown
        ? (parsed.data as Record<string, unknown>)
        : withDefaults(schema.attributes, inWorld(schema.attributes, spec, world));
      const others = planned.map((other) =>
        resourceOf(other.kind, other.id, withDefaults(other.attributes, inWorld(other.attributes, other.spec, world))),
      );
      return runWorld(id, withSelf ? resourceOf(kind, id, ownSpec) : undefined, others, context);
    });
  const worlds = worldsOf(true);
  const found = agreedIssues(worlds);
  const othersFound = found.filter((issue) => issue.path !== id);
  const before = othersFound.length > 0 ? new Set(agreedIssues(worldsOf(false)).map(formatIssue)) : new Set<string>();
  const typeNames = new Map(planned.map((other) => [other.id, other.typeName]));
  return {
    issues: found.filter((issue) => issue.path === id),
    others: othersFound
      .filter((issue) => !before.has(formatIssue(issue)))
      .map((issue) => ({ typeName: typeNames.get(issue.path) ?? '', issue })),
    ...(worlds.every((world) => world !== undefined)
      ? { resolved: agreed(worlds.map((world) => world.resolved)) as Record<string, unknown> }
      : {}),
  };
}
