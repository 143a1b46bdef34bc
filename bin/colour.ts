/**
 * Colour for what the CLI prints: on a terminal only, never when piped or redirected, never with `NO_COLOR`
 * set to anything but the empty string (no-color.org); `FORCE_COLOR` (any value but `0` or `false`) asks for
 * colour even on a pipe, and wins over `NO_COLOR`, as in Node itself. `TERM=dumb` gets none.
 */
import { noPaint, type Colour, type Paint } from '../runtime/deploy/paint';

const CODES: Record<Colour, number> = { green: 32, yellow: 33, red: 31 };

/** Whether output to `stream` gets colour, from the stream and the environment. */
export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** The paint for `stream`: ANSI colours when `colourWanted`, else none. */
export function paintFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Paint {
  return colourWanted(stream, env) ? (colour, text) => `\x1b[${CODES[colour]}m${text}\x1b[39m` : noPaint;
}
