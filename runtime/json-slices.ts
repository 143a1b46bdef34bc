/**
 * JSON text built a slice at a time: the same bytes as `JSON.stringify`, but arrays of thousands of items (a
 * large agent's resources and operations) are serialized `SLICE_ITEMS` items per turn of the event loop, so
 * that serializing them never stops the data plane (which runs on the same loop) for the whole array.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Array items serialized per turn of the event loop. */
export const SLICE_ITEMS = 250;

/**
 * `JSON.stringify(items)`, or with `depth` the text `JSON.stringify(…, null, 2)` gives an array nested `depth`
 * levels deep, serialized in slices. The items must not change until the promise resolves.
 */
export async function arrayJson(items: readonly unknown[], depth?: number): Promise<string> {
  if (items.length === 0) return '[]';
  const pretty = depth !== undefined;
  const itemBreak = pretty ? `\n${'  '.repeat(depth + 1)}` : '';
  const parts: string[] = [];
  for (let start = 0; start < items.length; start += SLICE_ITEMS) {
    if (start > 0) await nextTurn();
    for (const item of items.slice(start, start + SLICE_ITEMS)) {
      const text = JSON.stringify(item, null, pretty ? 2 : undefined) ?? 'null';
      parts.push(pretty ? text.replace(/\n/g, itemBreak) : text);
    }
  }
  return pretty ? `[${itemBreak}${parts.join(`,${itemBreak}`)}\n${'  '.repeat(depth)}]` : `[${parts.join(',')}]`;
}

/**
 * `${JSON.stringify(state, null, 2)}\n` for a plain object of JSON values, its top-level arrays serialized
 * in slices (the text of `state.json`). `state` must not change until the promise resolves (the store passes
 * its snapshot).
 */
export async function stateText(state: object): Promise<string> {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(state)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? await arrayJson(value, 1) : JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
    fields.push(`  ${JSON.stringify(key)}: ${text}`);
  }
  return fields.length === 0 ? '{}\n' : `{\n${fields.join(',\n')}\n}\n`;
}
