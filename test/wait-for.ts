// Polling for cross-process tests: the one loop every test/ file waits with.

/** Polls `fn` until it returns something truthy; errors count as "not yet". */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false | ''>,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}
