/**
 * The agent state as etcd keys (relative to the fleet's prefix): `resources/<id>` (the stored resource as
 * JSON), `operations/<seq>` (zero-padded, so keys sort by sequence) and `seq`; and the changes the watch
 * reports, applied back to a state.
 */
import type { z } from 'zod';
import { ValidationError, formatIssue, validateResources, zodIssues } from '../../lib';
import type { AgentState, Operation, StoredResource } from './state';

/** Stored value of each key. */
export type EncodedState = Map<string, string>;

const RESOURCE = 'resources/';
const OPERATION = 'operations/';
const SEQ = 'seq';

/** The key folders of the fleet itself (nodes, the election) under the prefix: not part of the state. */
const FLEET_FOLDERS = ['nodes/', 'election/'];

/** True for a key of the fleet itself rather than of the state. */
export function isFleetKey(key: string): boolean {
  return FLEET_FOLDERS.some((folder) => key.startsWith(folder));
}

/** A resource's JSON with its fields in one order, so equal resources encode equally. */
function encodeResource(r: StoredResource): string {
  const { id, kind, dependsOn, spec, state, reason, generation, owner } = r;
  return JSON.stringify({ id, kind, dependsOn, spec, state, reason, generation, owner });
}

function operationKey(seq: number): string {
  return `${OPERATION}${String(seq).padStart(12, '0')}`;
}

/** The keys and values that hold `state`. */
export function encodeState(state: AgentState): EncodedState {
  const keys: EncodedState = new Map();
  for (const resource of state.resources) keys.set(`${RESOURCE}${resource.id}`, encodeResource(resource));
  for (const operation of state.operations) keys.set(operationKey(operation.seq), JSON.stringify(operation));
  if (state.seq > 0) keys.set(SEQ, String(state.seq));
  return keys;
}

/** The state the keys hold; throws `unusable(detail)` when they do not hold a valid state. */
export function decodeState(keys: EncodedState, unusable: (detail: string) => Error, schema: z.ZodType): AgentState {
  const state: AgentState = { version: 1, resources: [], operations: [], seq: 0 };
  try {
    for (const [key, value] of keys) {
      if (key.startsWith(RESOURCE)) state.resources.push(JSON.parse(value) as StoredResource);
      else if (key.startsWith(OPERATION)) state.operations.push(JSON.parse(value) as Operation);
      else if (key === SEQ) state.seq = Number(value);
      else throw new Error(`unknown key "${key}"`);
    }
  } catch (error) {
    throw unusable((error as Error).message);
  }
  const parsed = schema.safeParse(state);
  if (!parsed.success) throw unusable(zodIssues('state', parsed.error).map(formatIssue).slice(0, 5).join('; '));
  try {
    validateResources(state.resources.map(({ id, kind, dependsOn, spec }) => ({ id, kind, dependsOn, spec })));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw unusable(`its resources are invalid: ${error.issues.map(formatIssue).slice(0, 5).join('; ')}`);
  }
  return state;
}

/** One key another writer changed: its new value, or undefined when it was deleted. */
export interface RemoteChange {
  key: string;
  value: string | undefined;
}

/** The state an etcd store keeps in step with etcd. */
export interface FollowedState {
  /** The state the agent works on (the controller's). */
  live: AgentState;
  /** The state as stored. */
  saved: AgentState;
  /** The stored value of each key. */
  values: EncodedState;
}

/** Puts `target` in place to `value`: the object others hold stays the same. */
function assignResource(target: StoredResource, value: StoredResource): void {
  for (const field of Object.keys(target) as (keyof StoredResource)[]) if (!(field in value)) delete target[field];
  Object.assign(target, value);
}

function setResource(list: StoredResource[], id: string, value: StoredResource | undefined): StoredResource[] {
  const index = list.findIndex((r) => r.id === id);
  if (value === undefined) return index < 0 ? list : list.filter((r) => r.id !== id);
  if (index < 0) list.push({ ...value });
  else assignResource(list[index] as StoredResource, value);
  return list;
}

/**
 * Applies changes made by another writer to `saved` and `values`, and to `live` where the agent has no
 * unstored change of the same key. Returns the keys it left alone in `live` because they had one: the next
 * write of them must fail, as it was based on what the other writer replaced.
 */
export function applyRemoteEvents(changes: readonly RemoteChange[], followed: FollowedState): string[] {
  const { live, saved, values } = followed;
  const stale: string[] = [];
  const operationsPending = live.seq !== saved.seq;
  for (const { key, value } of changes) {
    const before = values.get(key);
    if (value === undefined) values.delete(key);
    else values.set(key, value);
    if (key.startsWith(RESOURCE)) {
      const id = key.slice(RESOURCE.length);
      const resource = value === undefined ? undefined : (JSON.parse(value) as StoredResource);
      const current = live.resources.find((r) => r.id === id);
      saved.resources = setResource(saved.resources, id, resource);
      if ((current === undefined ? undefined : encodeResource(current)) !== before) stale.push(key);
      else live.resources = setResource(live.resources, id, resource);
    } else if (key === SEQ) {
      saved.seq = Number(value ?? 0);
      if (operationsPending) stale.push(key);
      else live.seq = saved.seq;
    } else if (key.startsWith(OPERATION)) {
      const seq = Number(key.slice(OPERATION.length));
      const operation = value === undefined ? undefined : (JSON.parse(value) as Operation);
      for (const state of operationsPending ? [saved] : [saved, live]) {
        state.operations = state.operations.filter((o) => o.seq !== seq);
        if (operation) state.operations.push({ ...operation });
        state.operations.sort((a, b) => a.seq - b.seq);
      }
    }
  }
  return stale;
}
