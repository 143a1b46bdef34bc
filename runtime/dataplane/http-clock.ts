/**
 * The coarse clock of HTTP connections: time limits are checked by periodic sweeps rather than one timer per
 * socket re-armed on every read and write (`socket.setTimeout`), so reads and writes only stamp this number.
 * Each sweep moves it to the current time first; limits are therefore kept to within one sweep period.
 */

/** Milliseconds since the epoch, as of the last `tick`. */
export let now = Date.now();

/** Moves the clock to the current time; returns it. */
export function tick(): number {
  now = Date.now();
  return now;
}
