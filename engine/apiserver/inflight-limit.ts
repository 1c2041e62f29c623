// A per-client cap on requests in flight (upstream's max-requests-inflight idea, per user rather
// than per server): one client cannot tie up the whole API server. Long-running requests
// (watches, log streams, exec/attach/port-forward, proxies) are not counted, as upstream.
import { errors } from './status';

export interface InflightLimit {
  /** Takes a slot for `client` or throws 429; the returned function gives it back (once). */
  acquire(client: string): () => void;
  inFlight(client: string): number;
}

/** Upstream's default for non-mutating requests (--max-requests-inflight). */
export const defaultMaxInflight = 400;

export function createInflightLimit(max = defaultMaxInflight): InflightLimit {
  const counts = new Map<string, number>();
  return {
    acquire(client) {
      const n = counts.get(client) ?? 0;
      if (n >= max) throw errors.tooManyRequests('Too many requests, please try again later.', 1);
      counts.set(client, n + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (counts.get(client) ?? 1) - 1;
        if (left <= 0) counts.delete(client);
        else counts.set(client, left);
      };
    },
    inFlight: (client) => counts.get(client) ?? 0,
  };
}

const LONG_RUNNING_SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

/** Watches, followed logs and streams: they may last hours, so they hold no slot. */
export function isLongRunning(pathname: string, q: URLSearchParams, subresource?: string): boolean {
  const w = q.get('watch');
  if (w === 'true' || w === '1') return true;
  if (subresource && LONG_RUNNING_SUBRESOURCES.has(subresource)) return true;
  return pathname.includes('/watch/');
}
