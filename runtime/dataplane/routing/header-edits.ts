/**
 * A rule's header edits (insert, which replaces any field of that name, and delete) applied to a raw header
 * array, request or response alike. The model refuses edits of the framing and load-balancer headers
 * (`PROTECTED_HEADERS`), so X-Forwarded-For and the message's framing stay the listener's.
 */
import type { HeaderToSet } from '../../../lib';

/** Header edits compiled for one rule: the lower-case names removed, then the fields appended. */
export interface HeaderEdits {
  readonly remove: ReadonlySet<string>;
  /** `[name, value, name, value…]`. */
  readonly append: readonly string[];
}

/** The edits of `insert` and `remove`, or undefined when there are none. */
export function compileHeaderEdits(
  insert: readonly HeaderToSet[] | undefined,
  remove: readonly string[] | undefined,
): HeaderEdits | undefined {
  if (insert === undefined && remove === undefined) return undefined;
  const names = new Set(
    [...(remove ?? []), ...(insert ?? []).map((header) => header.name)].map((name) => name.toLowerCase()),
  );
  return { remove: names, append: (insert ?? []).flatMap((header) => [header.name, header.value]) };
}

/** `raw` with `edits` applied (a new array). */
export function editHeaders(raw: readonly string[], edits: HeaderEdits): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (!edits.remove.has(name.toLowerCase())) out.push(name, raw[i + 1]!);
  }
  for (const item of edits.append) out.push(item);
  return out;
}
