/**
 * Compare-and-swap on the control API: every resource has an entity tag (`etag`) that changes whenever its
 * spec, edges (both bump the generation) or owner change. A write names the version it was planned against
 * with `If-Match: "<etag>"`, or `If-None-Match: *` to create only what does not exist; the agent refuses it
 * with 412 when the resource changed in between, so two deploys (or adopters) never overwrite each other.
 */
import type { Step } from '../../lib';

/** The precondition of one write. */
export interface Precondition {
  /** The etag the resource must still have (`If-Match`). */
  ifMatch?: string;
  /** `*`: the resource must not exist (`If-None-Match: *`). */
  ifNoneMatch?: '*';
}

/** The entity tag of a version of a resource: its generation and owner, quoted as HTTP wants. */
export function etagOf(resource: { generation: number; owner?: string }): string {
  return `"${resource.generation}:${resource.owner ?? ''}"`;
}

/** The request headers that carry a precondition. */
export function preconditionHeaders(precondition: Precondition | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (precondition?.ifMatch !== undefined) headers['if-match'] = precondition.ifMatch;
  if (precondition?.ifNoneMatch !== undefined) headers['if-none-match'] = precondition.ifNoneMatch;
  return headers;
}

/**
 * What a step of a plan requires of the resource it writes, given the etags read when planning: a delete or
 * an update, the version read; the put of a replace (deleted first) or of a resource that was absent, no
 * resource at all.
 */
export function stepPrecondition(step: Step, etags: ReadonlyMap<string, string>): Precondition {
  const read = etags.get(step.id);
  if (step.operation === 'put' && (step.action === 'replace' || read === undefined)) return { ifNoneMatch: '*' };
  return read === undefined ? {} : { ifMatch: read };
}
