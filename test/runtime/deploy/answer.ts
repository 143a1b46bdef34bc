/** Reading a listener from the outside, as a client would: the body of `GET /` once it answers 200. */

/** The body of GET / through the listener on 127.0.0.1:`port`, once it answers 200 (health checks may need a moment). */
export async function answer(port: number, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
      const text = await response.text();
      if (response.status === 200) return text;
    } catch {
      // not bound yet
    }
    if (Date.now() > deadline) throw new Error(`listener on ${port} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
