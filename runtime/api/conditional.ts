/**
 * Conditional writes (`If-Match`, `If-None-Match` on PUT and DELETE of a resource): the compare-and-swap
 * that keeps two deploys or adopters from overwriting each other. A failed condition is a 412 naming the
 * resource, the version it has and the one the client expected; nothing is changed.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Kind } from '../../lib';
import { describeOwner } from '../contract/stack';
import { etagOf, type Precondition } from '../contract/precondition';
import type { StoredResource } from '../store/state';
import { ApiError } from './errors';

/** The conditions of one request: `*` (any version) or the entity tags listed. */
export interface Conditions {
  ifMatch?: '*' | string[];
  ifNoneMatch?: '*' | string[];
}

/** The conditions a request's headers carry. */
export function conditionsOf(headers: IncomingHttpHeaders): Conditions {
  const conditions: Conditions = {};
  const ifMatch = listOf(headers['if-match']);
  const ifNoneMatch = listOf(headers['if-none-match']);
  if (ifMatch !== undefined) conditions.ifMatch = ifMatch;
  if (ifNoneMatch !== undefined) conditions.ifNoneMatch = ifNoneMatch;
  return conditions;
}

/** The conditions of a write made in the agent itself with a client's precondition (the manifest runner). */
export function conditionsFrom(precondition: Precondition): Conditions {
  return conditionsOf({ 'if-match': precondition.ifMatch, 'if-none-match': precondition.ifNoneMatch });
}

function listOf(header: string | undefined): '*' | string[] | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .filter((tag) => tag !== '');
}

/** Throws a 412 unless the resource (undefined: absent) meets the conditions. */
export function checkConditions(
  kind: Kind,
  id: string,
  existing: StoredResource | undefined,
  conditions: Conditions,
): void {
  const { ifMatch, ifNoneMatch } = conditions;
  if (ifMatch === undefined && ifNoneMatch === undefined) return;
  const current = existing && etagOf(existing);
  const now =
    existing &&
    `it is at generation ${existing.generation}, owned by ${describeOwner(existing.owner)} (etag ${current})`;
  const refuse = (why: string): never => {
    throw new ApiError(
      'PRECONDITION_FAILED',
      `${kind} "${id}" ${why}; nothing was changed: read it again, plan again and retry`,
    );
  };
  if (ifMatch !== undefined) {
    if (existing === undefined)
      refuse(`does not exist, but If-Match expected ${ifMatch === '*' ? 'it to' : ifMatch.join(' or ')}`);
    if (ifMatch !== '*' && !ifMatch.includes(current as string))
      refuse(`changed since it was read: ${now}, not ${ifMatch.join(' or ')} as If-Match expected`);
  }
  if (
    ifNoneMatch !== undefined &&
    existing !== undefined &&
    (ifNoneMatch === '*' || ifNoneMatch.includes(current as string))
  ) {
    refuse(
      `already exists (${now}), but If-None-Match asked to write it only ${
        ifNoneMatch === '*' ? 'if absent' : `unless it is ${ifNoneMatch.join(' or ')}`
      }`,
    );
  }
}
