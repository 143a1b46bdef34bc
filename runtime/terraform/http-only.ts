/**
 * HTTP-only fields in the plan and the state: a TCP backend service shows no session persistence, a TCP health
 * check no path or status codes (null, not a default that does not apply), unless the configuration gives
 * them. The model's `HTTP_ONLY_FIELDS` says which fields these are and which protocol decides.
 */
import { HTTP_ONLY_FIELDS, type HttpOnlyField } from '../../lib/model/backend-service';
import type { Kind } from '../../lib/model/kinds';
import { UNKNOWN } from './cty';

type Tree = Record<string, unknown>;

/** The object holding the field at `path`, and the field's name, when that object exists. */
function parentOf(spec: Tree, path: HttpOnlyField['path']): { parent: Tree; name: string } | undefined {
  let parent: unknown = spec;
  for (const name of path.slice(0, -1))
    parent = parent !== null && typeof parent === 'object' ? (parent as Tree)[name] : undefined;
  if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return undefined;
  return { parent: parent as Tree, name: path[path.length - 1]! };
}

function valueAt(spec: Tree | undefined, path: HttpOnlyField['path']): unknown {
  const at = spec && parentOf(spec, path);
  return at?.parent[at.name];
}

/**
 * The planned spec (defaults filled in) with each HTTP-only field the configuration leaves unset removed
 * where its protocol is TCP, and unknown while that protocol is.
 */
export function planHttpOnlyFields(kind: Kind, planned: Tree, config: Tree): void {
  if (kind !== 'BackendService') return;
  for (const field of HTTP_ONLY_FIELDS) {
    const at = parentOf(planned, field.path);
    if (!at || valueAt(config, field.path) !== undefined) continue;
    const protocol = field.protocolOf(config);
    if (protocol === 'TCP') delete at.parent[at.name];
    else if (protocol !== 'HTTP') at.parent[at.name] = UNKNOWN;
  }
}

/**
 * The agent's spec with each HTTP-only field removed where its protocol is TCP and `given` (the spec sent, or
 * the state before) did not have it: the agent keeps the model's default there, the state shows null as planned.
 */
export function stateHttpOnlyFields(kind: Kind, spec: Tree, given: Tree | undefined): Tree {
  if (kind !== 'BackendService') return spec;
  const out = structuredClone(spec);
  for (const field of HTTP_ONLY_FIELDS) {
    const at = parentOf(out, field.path);
    if (at && field.protocolOf(spec) === 'TCP' && valueAt(given, field.path) === undefined) delete at.parent[at.name];
  }
  return out;
}
