/** Waiting on conditions in tests: a generous limit, never a timed assertion. */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `condition` holds (checked every 50 ms); rejects naming `what` after `limitMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  limitMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting ${limitMs} ms for ${what}`);
    await sleep(50);
  }
}
