/**
 * The checks of PUTs before anything is stored, in the order a request meets them: the id, the body and the
 * kind's schema (400); the kind of an existing id and a resource being deleted (409); every dependency present
 * and ACTIVE (409); the whole would-be state with the model's rules (400); a replace-only field (409); the
 * request's conditions (412). One call checks a batch against one pass over the state; the first refusal
 * throws and nothing is changed.
 */
import {
  KINDS,
  ResourceRef,
  ValidationError,
  canonicalJson,
  parseSpec,
  referencesOf,
  restoreSecrets,
  validateParsedChanges,
  withImpliedEdges,
  zodIssues,
  type Kind,
  type Resource,
} from '../../lib';
import { PutBody } from '../contract/put-body';
import type { AgentState, StoredResource } from '../store/state';
import { checkConditions, type Conditions } from './conditional';
import { conflict, invalid } from './errors';

/** One create-or-update: what `PUT /v1/<collection>/<id>` carries. */
export interface PutRequest {
  kind: Kind;
  id: string;
  /** The request body, `{ spec, dependsOn?, owner? }`, not yet checked. */
  body: unknown;
  /** `If-Match` / `If-None-Match`. @default none */
  conditions?: Conditions;
}

/** A PUT that passed every check. */
export interface CheckedPut {
  /** The resource as it would be stored: parsed, resolved, implied edges added. */
  candidate: Resource;
  /** The resource with this id now, if any. */
  existing?: StoredResource;
  /** The owner the body names. */
  owner?: string;
}

/** Checks `requests` against `state`; returns each checked PUT and the creation order of the would-be state. Throws `ApiError`. */
export function checkPuts(
  state: AgentState,
  requests: readonly PutRequest[],
): { checked: CheckedPut[]; order: string[] } {
  // Maps filled by loops, not from arrays of [id, resource] pairs: a chunk of a run would make one pair per stored resource.
  const byId = new Map<string, StoredResource>();
  for (const resource of state.resources) byId.set(resource.id, resource);
  const bodies = requests.map((request) => checkAlone(request, byId));
  let resolved: Resource[];
  try {
    // The stored resources are valid together (checked on load and on every change): only the changes are checked,
    // with the specs checkAlone parsed. The stored resources are passed as they are (a stored resource is its
    // manifest form plus lifecycle fields, which the validation neither reads nor changes), not copied: a copy of
    // every resource per chunk is O(resources).
    resolved = validateParsedChanges(
      state.resources as readonly StoredResource[] as unknown as readonly Resource[],
      bodies.map(({ resource }) => resource),
    );
  } catch (error) {
    if (error instanceof ValidationError) throw invalid(error.issues);
    throw error;
  }
  const requested = new Set(requests.map((request) => request.id));
  const candidates = new Map<string, Resource>();
  for (const resource of resolved) if (requested.has(resource.id)) candidates.set(resource.id, resource);
  const checked = requests.map(({ kind, id, conditions = {} }, index): CheckedPut => {
    const candidate = candidates.get(id) as Resource;
    const existing = byId.get(id);
    if (existing) refuseReplace(kind, id, existing, candidate);
    checkConditions(kind, id, existing, conditions);
    const owner = bodies[index]?.owner;
    return { candidate, ...(existing ? { existing } : {}), ...(owner === undefined ? {} : { owner }) };
  });
  return { checked, order: resolved.map((resource) => resource.id) };
}

/** The checks that read only the request and the resources it names; the resource the body makes, and its owner. */
function checkAlone(
  { kind, id, body }: PutRequest,
  byId: ReadonlyMap<string, StoredResource>,
): { resource: Resource; owner?: string } {
  const idResult = ResourceRef.safeParse(id);
  if (!idResult.success) throw invalid(zodIssues(id, idResult.error).map((issue) => ({ ...issue, field: 'id' })));
  const parsedBody = PutBody.safeParse(body ?? undefined);
  if (!parsedBody.success) throw invalid(zodIssues(id, parsedBody.error));
  const existing = byId.get(id);
  // A spec read back (keys as fingerprints) and written again keeps the keys the resource has.
  const spec = existing ? restoreSecrets(parsedBody.data.spec, existing.spec) : parsedBody.data.spec;
  const parsed = parseSpec(kind, id, spec);
  if (parsed.issues.length > 0) throw invalid(parsed.issues);
  if (existing && existing.kind !== kind) throw conflict(`"${id}" is a ${existing.kind}, not a ${kind}`);
  if (existing?.state === 'DELETING')
    throw conflict(`${kind} "${id}" is being deleted; wait until it is gone, then create it again`);
  const dependsOn = parsedBody.data.dependsOn ?? [];
  checkDependencies(kind, id, parsed.spec, dependsOn, byId);
  const { owner } = parsedBody.data;
  return { resource: withImpliedEdges(kind, id, parsed.spec, dependsOn), ...(owner === undefined ? {} : { owner }) };
}

/** 409 unless every dependency exists and is ACTIVE; the message names both resources. */
function checkDependencies(
  kind: Kind,
  id: string,
  spec: unknown,
  explicit: readonly string[],
  byId: ReadonlyMap<string, StoredResource>,
): void {
  const needs = [
    ...referencesOf(kind, spec).map((ref) => ({ id: ref.id, what: `${ref.field} refers to ${ref.kind} "${ref.id}"` })),
    ...explicit.map((dep) => ({ id: dep, what: `dependsOn lists "${dep}"` })),
  ];
  for (const need of needs) {
    if (need.id === id) continue;
    const dependency = byId.get(need.id);
    if (!dependency) throw conflict(`${kind} "${id}": ${need.what}, which does not exist; create "${need.id}" first`);
    if (dependency.state !== 'ACTIVE') {
      throw conflict(
        `${kind} "${id}": ${need.what}, which is ${dependency.state}, not ACTIVE; ` +
          (dependency.state === 'CREATING'
            ? `wait until "${need.id}" is ACTIVE`
            : `fix or recreate "${need.id}" first`),
      );
    }
  }
}

/** 409 when the candidate changes one of the kind's replace-only fields. */
function refuseReplace(kind: Kind, id: string, existing: StoredResource, candidate: Resource): void {
  const forced = (KINDS[kind].replaceOnChange as readonly string[]).find(
    (field) =>
      canonicalJson(field in existing.spec ? (existing.spec as never)[field] : undefined) !==
      canonicalJson((candidate.spec as never)[field]),
  );
  if (forced)
    throw conflict(
      `${kind} "${id}": ${forced} cannot change in place; delete the ${kind} and create it again (replace)`,
    );
}
