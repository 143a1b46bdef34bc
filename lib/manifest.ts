/**
 * The synthesized document every face produces and the agent accepts: versioned, validated, resources in
 * creation order, keys in canonical order, with a sha256 content hash.
 */
import { z } from 'zod';
import { contentHash, canonicalize } from './canonical';
import { PARSE_OPTIONS, ValidationError, zodIssues, type Issue } from './errors';
import { createWaves, CycleError, mergedCreationOrder } from './graph';
import { KIND_NAMES, KINDS, Kind, referencesOf } from './model/kinds';
import { ResourceRef } from './model/common';
import { resolveDefaults, resolveResource } from './resolve';
import { ResourceIndex, type Resource } from './resource';
import { checkRules } from './rules';

/** The manifest format's version, the `apiVersion` of every manifest. */
export const API_VERSION = 'albkit/v1';

/** A validated manifest. */
export interface Manifest {
  /** The format's version. */
  apiVersion: typeof API_VERSION;
  /** Resources in creation order (wave by wave, ids sorted within a wave). */
  resources: Resource[];
  /**
   * sha256 of the canonical JSON of `apiVersion` and `resources`: the content's identity, not a seal. A document's
   * own `hash` is not trusted but recomputed when it is read, so a manifest edited by hand needs no new hash.
   */
  hash: string;
  /**
   * Resources the manifest refers to but does not hold (made by another stack or another face), by id and kind;
   * absent when there are none. They are neither created nor deleted; the agent refuses a resource whose
   * reference to one of them does not resolve there.
   */
  external?: ExternalResource[];
}

/** A resource a manifest refers to without holding it: made elsewhere, known here by id and kind. */
export interface ExternalResource {
  /** The resource id on the agent. */
  id: string;
  /** Its kind; references to it must expect this kind. */
  kind: Kind;
}

/** A resource before validation: what constructs render and what users write by hand. */
export interface RawResource {
  /** The resource id: its construct path, such as `web/http`. */
  id: string;
  /** The kind's name, such as `Listener`; checked against the known kinds. */
  kind: string;
  /** Explicit edges: ids of resources this one must be created after. The references of its spec are added. @default [] */
  dependsOn?: string[];
  /** The spec as the kind's schema takes it (input form: defaults may be left out). */
  spec: unknown;
}

const RawResourceSchema = z.strictObject({
  id: ResourceRef,
  kind: z.string(),
  dependsOn: z.array(ResourceRef).optional(),
  spec: z.unknown(),
});

const ExternalResourceSchema = z.strictObject({ id: ResourceRef, kind: Kind });

const EnvelopeSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION, { message: `must be "${API_VERSION}"` }),
  resources: z.array(z.unknown()).max(10000),
  hash: z.string().optional(),
  external: z.array(ExternalResourceSchema).max(10000).optional(),
});

/** The manifest's schema, one branch per kind: the source of the published JSON Schema. */
export const ManifestSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  resources: z.array(
    z.discriminatedUnion(
      'kind',
      KIND_NAMES.map((kind) =>
        z.strictObject({
          id: ResourceRef,
          kind: z.literal(kind),
          dependsOn: z.array(ResourceRef).default([]),
          spec: KINDS[kind].schema,
        }),
      ) as unknown as [z.ZodObject, ...z.ZodObject[]],
    ),
  ),
  hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  external: z.array(ExternalResourceSchema).optional(),
});

/** The JSON Schema of a manifest document, generated from the zod schemas. */
export function manifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ManifestSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'albkit manifest', $id: 'https://albkit.dev/schemas/manifest.v1.json' };
}

/** Parses one resource's spec with its kind's schema; issues name the resource id and field. */
export function parseSpec(kind: Kind, id: string, spec: unknown): { spec?: unknown; issues: Issue[] } {
  const { schema } = KINDS[kind];
  const result = schema.safeParse(spec, PARSE_OPTIONS);
  return result.success ? { spec: result.data, issues: [] } : { issues: zodIssues(id, result.error, [], schema) };
}

/** The outcome of checking resources: every issue found, and the resources in creation order when there are none. */
export interface ResourceCheck {
  /** Every issue: per-field problems, cross-component rules and cycles. */
  issues: Issue[];
  /** The resources resolved, with implied edges added to `dependsOn`, in creation order; empty with issues. */
  resources: Resource[];
}

/**
 * Checks resources without throwing: what `validateResources` returns, or every issue it would throw. References
 * to `external` resources are taken as resolved (their kind checked); a rule that needs an external resource's
 * spec (its VPC, its protocol) is skipped for it, as its spec is not known here.
 */
export function checkResources(raw: readonly unknown[], external: readonly ExternalResource[] = []): ResourceCheck {
  const issues: Issue[] = [];
  const parsed: Resource[] = [];
  const seen = new Set<string>();
  raw.forEach((item, position) => {
    const resource = parseResource(item, position, seen, issues);
    if (resource) parsed.push(resource);
  });
  for (const { id, kind } of external) {
    if (seen.has(id))
      issues.push({
        path: id,
        field: 'id',
        message: `is imported as an external ${kind} and also defined here; keep one`,
      });
  }
  const externalKinds = new Map(external.map(({ id, kind }) => [id, kind]));
  issues.push(...checkRules(parsed, new Set([...seen, ...externalKinds.keys()]), undefined, externalKinds));
  const order = creationOrder(parsed, issues);
  if (issues.length > 0) return { issues, resources: [] };
  const resolved = new Map(resolveDefaults(parsed).map((resource) => [resource.id, resource]));
  return { issues, resources: order.map((id) => canonicalize(resolved.get(id)) as Resource) };
}

/**
 * Validates resources and returns them resolved, with implied edges added to `dependsOn`, in creation order.
 * Throws `ValidationError` with every issue found: per-field problems, cross-component rules and cycles.
 */
export function validateResources(raw: readonly unknown[], external: readonly ExternalResource[] = []): Resource[] {
  const { issues, resources } = checkResources(raw, external);
  if (issues.length > 0) throw new ValidationError(issues);
  return resources;
}

/**
 * What `validateResources` returns for `current` with one resource created or replaced by `change` (appended
 * when new, moved last when it replaces one), computed without checking `current` again: `current` must be
 * what `validateResources` returned for some input (valid, resolved, implied edges present). Only the change
 * is parsed; only the rules about the change and the resources that depend on it run. The agent calls it on
 * every PUT, so a deploy of n resources costs O(n) rule work per PUT instead of a full validation.
 */
export function validateChange(current: readonly Resource[], change: unknown): Resource[] {
  return validateChanges(current, [change]);
}

/**
 * `validateChange` for several changes at once (appended, or moved last, in the order given): the same
 * result as applying them one by one when each step is valid, for one pass over `current`. The agent's
 * manifest run checks a chunk of a wave with one call, so a run of n resources costs O(n) per chunk, not per
 * resource. A change that does not parse fails the call with the issues of every change that does not.
 */
export function validateChanges(current: readonly Resource[], changes: readonly unknown[]): Resource[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  const parsed = changes.flatMap(
    (change, position) => parseResource(change, current.length + position, seen, issues) ?? [],
  );
  if (parsed.length < changes.length) throw new ValidationError(issues);
  return validateParsedChanges(current, parsed);
}

/**
 * `validateChanges` for changes parsed already, each as `withImpliedEdges` makes it from a spec its kind's schema
 * returned (ids unique): the agent has parsed a PUT's spec for its own checks, and a spec is parsed once.
 */
export function validateParsedChanges(current: readonly Resource[], parsed: readonly Resource[]): Resource[] {
  const issues: Issue[] = [];
  const changed = new Set(parsed.map((resource) => resource.id));
  const twice =
    changed.size < parsed.length &&
    parsed.find((resource, position) => parsed.findIndex((other) => other.id === resource.id) !== position);
  if (twice) throw new ValidationError([{ path: twice.id, field: 'id', message: 'is used by two resources' }]);
  const others = current.filter((resource) => !changed.has(resource.id));
  const resources = [...others, ...parsed];
  const dependents = others
    .filter((resource) => resource.dependsOn.some((dep) => changed.has(dep)))
    .map((resource) => resource.id);
  // The index holds every id present, so it is also the set of known ids: one map of the whole state, not two.
  const index = new ResourceIndex(resources);
  issues.push(...checkRules(resources, index, new Set([...changed, ...dependents]), new Map(), index));
  // `current` is in creation order: the changes are merged in; only a cycle needs the whole graph (to name it).
  const order = mergedCreationOrder(others, parsed) ?? creationOrder(resources, issues);
  if (issues.length > 0) throw new ValidationError(issues);
  const resolved = new Map(
    parsed.map((resource) => [resource.id, canonicalize(resolveResource(resource, index)) as Resource]),
  );
  return order.map((resourceId) => resolved.get(resourceId) ?? (index.get(resourceId) as Resource));
}

/** The resource of a parsed spec: its explicit edges and the ones its references imply, sorted, once each. */
export function withImpliedEdges(kind: Kind, id: string, spec: unknown, dependsOn: readonly string[]): Resource {
  const implied = referencesOf(kind, spec).map((ref) => ref.id);
  return { id, kind, dependsOn: [...new Set([...dependsOn, ...implied])].sort(), spec } as Resource;
}

/**
 * Parses one raw resource (its envelope and its kind's spec), adds its id to `seen` and its problems to
 * `issues`; the resource with implied edges added, or undefined when it has issues of its own or its id is
 * already in `seen`.
 */
function parseResource(item: unknown, position: number, seen: Set<string>, issues: Issue[]): Resource | undefined {
  const envelope = RawResourceSchema.safeParse(item, PARSE_OPTIONS);
  if (!envelope.success) {
    const id =
      typeof (item as { id?: unknown })?.id === 'string' ? (item as { id: string }).id : `resources[${position}]`;
    issues.push(...zodIssues(id, envelope.error));
    return undefined;
  }
  const { id, kind, spec, dependsOn = [] } = envelope.data;
  const duplicate = seen.has(id);
  if (duplicate) issues.push({ path: id, field: 'id', message: 'is used by two resources' });
  seen.add(id);
  const kindResult = Kind.safeParse(kind);
  if (!kindResult.success) {
    issues.push({ path: id, field: 'kind', message: `unknown kind "${kind}"; one of ${KIND_NAMES.join(', ')}` });
    return undefined;
  }
  const result = parseSpec(kindResult.data, id, spec);
  issues.push(...result.issues);
  // A second resource with a taken id has its own spec checked, but takes no part in the rules or the graph.
  if (result.spec === undefined || duplicate) return undefined;
  return withImpliedEdges(kindResult.data, id, result.spec, dependsOn);
}

/** The creation order of `resources`; a cycle is added to `issues` (and the order is then empty). */
function creationOrder(resources: readonly Resource[], issues: Issue[]): string[] {
  try {
    return createWaves(resources).flat();
  } catch (error) {
    if (!(error instanceof CycleError)) throw error;
    issues.push({ path: error.cycle[0] ?? '', field: 'dependsOn', message: error.message });
    return [];
  }
}

/** Builds a manifest from raw resources (referring to `external` ones): validated, resolved, ordered and hashed. */
export function buildManifest(raw: readonly unknown[], external: readonly ExternalResource[] = []): Manifest {
  return manifestOf(validateResources(raw, external), external);
}

/** The manifest of resources `validateResources` returned; `external` sorted by id and kept only when not empty. */
export function manifestOf(resources: Resource[], external: readonly ExternalResource[] = []): Manifest {
  const unique = new Map(external.map((ref) => [`${ref.id}\0${ref.kind}`, { id: ref.id, kind: ref.kind }]));
  const refs = [...unique.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.kind < b.kind ? -1 : 1));
  const content = {
    apiVersion: API_VERSION as typeof API_VERSION,
    resources,
    ...(refs.length > 0 ? { external: refs } : {}),
  };
  return { ...content, hash: contentHash(content) };
}

/** Validates a manifest document (parsed JSON); throws `ValidationError` with every issue. */
export function validateManifest(document: unknown): Manifest {
  const envelope = EnvelopeSchema.safeParse(document, PARSE_OPTIONS);
  if (!envelope.success) throw new ValidationError(zodIssues('manifest', envelope.error));
  return buildManifest(envelope.data.resources, envelope.data.external);
}

/** The manifest as the text written to `albkit.manifest.json`: canonical, two-space indented. */
export function manifestText(manifest: Manifest): string {
  return `${JSON.stringify(canonicalize(manifest), null, 2)}\n`;
}
