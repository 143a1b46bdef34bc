/**
 * The text of `state.json`, built a slice at a time: the same bytes as `JSON.stringify(state, null, 2)`, but
 * the arrays (10 000 resources and operations in a large agent) are serialized `SLICE_ITEMS` items per turn of
 * the event loop, so a write of a large state never stops the data plane (which runs on the same loop) for
 * the whole serialization.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Array items serialized per turn of the event loop. */
export const SLICE_ITEMS = 250;

/** The items of an array one level below the top, as `JSON.stringify(…, null, 2)` lays them out. */
async function arrayText(items: readonly unknown[]): Promise<string> {
  if (items.length === 0) return '[]';
  const parts: string[] = [];
  for (let start = 0; start < items.length; start += SLICE_ITEMS) {
    if (start > 0) await nextTurn();
    for (const item of items.slice(start, start + SLICE_ITEMS)) parts.push(`    ${JSON.stringify(item, null, 2).replace(/\n/g, '\n    ')}`);
  }
  return `[\n${parts.join(',\n')}\n  ]`;
}

/**
 * `${JSON.stringify(state, null, 2)}\n` for a plain object of JSON values, its top-level arrays serialized
 * in slices. `state` must not change until the promise resolves (the store passes its snapshot).
 */
export async function stateText(state: object): Promise<string> {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(state)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? await arrayText(value) : JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
    fields.push(`  ${JSON.stringify(key)}: ${text}`);
  }
  return fields.length === 0 ? '{}\n' : `{\n${fields.join(',\n')}\n}\n`;
}
