/**
 * JSON text built a slice at a time: the same bytes as `JSON.stringify`, but arrays of thousands of items (a
 * large agent's resources and operations) are serialized `SLICE_ITEMS` items per turn of the event loop, so
 * that serializing them never stops the data plane (which runs on the same loop) for the whole array.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Array items serialized per turn of the event loop. */
export const SLICE_ITEMS = 250;

/**
 * The text of `JSON.stringify(items)`, or with `depth` the text `JSON.stringify(…, null, 2)` gives an array
 * nested `depth` levels deep, as pieces of one slice each (joined, they are the text), serialized in slices.
 * The items must not change until the promise resolves.
 */
export async function arrayJsonPieces(items: readonly unknown[], depth?: number): Promise<string[]> {
  if (items.length === 0) return ['[]'];
  const pretty = depth !== undefined;
  const itemBreak = pretty ? `\n${'  '.repeat(depth + 1)}` : '';
  const pieces: string[] = [];
  for (let start = 0; start < items.length; start += SLICE_ITEMS) {
    if (start > 0) await nextTurn();
    const texts = items.slice(start, start + SLICE_ITEMS).map((item) => {
      const text = JSON.stringify(item, null, pretty ? 2 : undefined) ?? 'null';
      return pretty ? text.replace(/\n/g, itemBreak) : text;
    });
    pieces.push(`${start === 0 ? `[${itemBreak}` : `,${itemBreak}`}${texts.join(`,${itemBreak}`)}`);
  }
  pieces.push(pretty ? `\n${'  '.repeat(depth)}]` : ']');
  return pieces;
}

/** `arrayJsonPieces` joined: the text of `JSON.stringify(items)`, serialized in slices. */
export async function arrayJson(items: readonly unknown[]): Promise<string> {
  return (await arrayJsonPieces(items)).join('');
}

/**
 * The text `${JSON.stringify(state, null, 2)}\n` of a plain object of JSON values (the text of `state.json`),
 * its top-level arrays serialized in slices, as pieces to write one after the other: a state of 10 000
 * resources is never one string of several MiB to build and convert at once. `state` must not change until
 * the promise resolves (the store passes its snapshot).
 */
export async function stateTextPieces(state: object): Promise<string[]> {
  const pieces: string[] = [];
  for (const [key, value] of Object.entries(state)) {
    if (value === undefined) continue;
    pieces.push(`${pieces.length === 0 ? '{\n' : ',\n'}  ${JSON.stringify(key)}: `);
    if (Array.isArray(value)) pieces.push(...(await arrayJsonPieces(value, 1)));
    else pieces.push(JSON.stringify(value, null, 2).replace(/\n/g, '\n  '));
  }
  pieces.push(pieces.length === 0 ? '{}\n' : '\n}\n');
  return pieces;
}
