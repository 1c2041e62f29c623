// GETs started before the code that needs them exists: at boot the URL already names the view
// a reload lands on, so its first list page is asked for while the host's data loads and React
// mounts, instead of after. The first identical GET (same URL and Accept) then gets that
// response; each primed one is used once, and dropped unused after ttlMs (a list answered that
// long ago is still a consistent start for a watch, but no longer worth showing).
import type { FetchFn } from './client';

export interface PrimedFetch {
  /** fetch, answering a GET from a primed request when one matches. */
  fetch: FetchFn;
  prime(url: string, accept: string): void;
}

const keyOf = (url: string, headers: HeadersInit | undefined) => `${new Headers(headers).get('accept') ?? ''} ${url}`;

function abortable(p: Promise<Response>, signal: AbortSignal | null | undefined): Promise<Response> {
  if (!signal) return p;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new DOMException('The request was aborted', 'AbortError'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function createPrimedFetch(inner: FetchFn, ttlMs = 10_000, now: () => number = Date.now): PrimedFetch {
  const primed = new Map<string, { at: number; response: Promise<Response> }>();
  return {
    prime(url, accept) {
      const response = inner(url, { headers: { Accept: accept }, credentials: 'same-origin' });
      response.catch(() => {}); // a failed one is asked again by its caller
      primed.set(keyOf(url, { Accept: accept }), { at: now(), response });
    },
    fetch(url, init = {}) {
      if ((init.method ?? 'GET') !== 'GET' || init.body != null || !primed.size) return inner(url, init);
      for (const [k, p] of primed) if (now() - p.at >= ttlMs) primed.delete(k);
      const key = keyOf(url, init.headers);
      const hit = primed.get(key);
      if (!hit) return inner(url, init);
      primed.delete(key);
      return abortable(hit.response, init.signal);
    },
  };
}
