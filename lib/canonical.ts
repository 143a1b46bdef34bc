/** Canonical JSON: keys sorted at every level, undefined dropped; the basis of stable bytes and hashes. */
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** A deep copy with object keys sorted and undefined values dropped. */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = canonicalize(item);
    }
    return out;
  }
  return value;
}

/** Canonical JSON text. */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(canonicalize(value), null, indent);
}

/** The sha256 of the canonical JSON text, hex. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** Array items canonicalized and hashed per turn of the event loop by `contentHashInSlices`. */
export const HASH_SLICE_ITEMS = 250;

/**
 * `contentHash(value)` for a plain object whose large parts are top-level arrays (a manifest's resources):
 * the same hash, computed `HASH_SLICE_ITEMS` array items per turn of the event loop, so that hashing 10 000
 * resources never holds the loop for the whole document.
 */
export async function contentHashInSlices(value: Readonly<Record<string, unknown>>): Promise<string> {
  const hash = createHash('sha256');
  const keys = Object.keys(value)
    .filter((key) => value[key] !== undefined)
    .sort();
  hash.update('{');
  for (const [position, key] of keys.entries()) {
    const item = value[key];
    hash.update(`${position > 0 ? ',' : ''}${JSON.stringify(key)}:`);
    if (!Array.isArray(item)) {
      hash.update(canonicalJson(item));
      continue;
    }
    hash.update('[');
    for (let start = 0; start < item.length; start += HASH_SLICE_ITEMS) {
      if (start > 0) await nextTurn();
      const slice = item.slice(start, start + HASH_SLICE_ITEMS).map((entry: unknown) => canonicalJson(entry) ?? 'null');
      hash.update(`${start > 0 ? ',' : ''}${slice.join(',')}`);
    }
    hash.update(']');
  }
  hash.update('}');
  return hash.digest('hex');
}
