// Talks to one cluster through the host's proxy (/k8s/<profile>/...), as any Kubernetes
// client would; the host attaches the credentials.
import { errorFromResponse, networkError, type K8sError } from './errors';

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  accept?: string;
  contentType?: string;
  signal?: AbortSignal;
  /** Names what was asked for in error messages ("deployment web"). */
  what?: string;
  /**
   * The browser's fetch priority. Over HTTP/1.1 a host gets six connections; 'low' requests wait
   * behind the others for one (checks for the sidebar's many kinds behind the view's own reads).
   */
  priority?: RequestPriority;
}

export interface K8sClient {
  readonly profile: string;
  /** URL prefix of this profile's proxy, e.g. /k8s/skiff-local */
  readonly base: string;
  url(path: string, query?: Record<string, string | undefined>): string;
  getJson<T>(path: string, opts?: RequestOptions): Promise<T>;
  send<T>(method: string, path: string, body: unknown, opts?: RequestOptions): Promise<T>;
  /** A successful response whose body the caller streams. */
  open(path: string, opts?: RequestOptions): Promise<Response>;
}

export const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json';
export const mergePatch = 'application/merge-patch+json';
export const strategicPatch = 'application/strategic-merge-patch+json';
export const jsonPatch = 'application/json-patch+json';

export function queryString(query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * fetch, tried again when it fails without an HTTP answer. Chromium aborts every open request
 * with ERR_NETWORK_CHANGED when a network interface appears (Docker adds one per pod), so
 * a failed send is usually worth repeating; requests here are idempotent or fail safely
 * when repeated (a repeated create answers AlreadyExists).
 */
export async function fetchRetrying(fetch: FetchFn, url: string, init: RequestInit, delays = [200, 600, 1500]): Promise<Response> {
  for (let i = 0; ; i++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      if ((e as Error)?.name === 'AbortError' || i >= delays.length || init.signal?.aborted) throw e;
      await pause(delays[i]);
    }
  }
}

export function createK8sClient(deps: {
  profile: string;
  fetch: FetchFn;
  origin?: string;
  retryDelays?: number[];
  /** Told of every 403 (the access answers it contradicts are dropped), before the caller sees it. */
  onForbidden?: (err: K8sError, path: string) => void;
}): K8sClient {
  const base = `${deps.origin ?? ''}/k8s/${encodeURIComponent(deps.profile)}`;
  const url = (path: string, query?: Record<string, string | undefined>) => base + path + queryString(query);

  async function call(method: string, path: string, body: unknown, opts: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json' };
    let payload: string | undefined;
    if (body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetchRetrying(
        deps.fetch,
        url(path, opts.query),
        {
          method,
          headers,
          body: payload,
          signal: opts.signal,
          credentials: 'same-origin',
          ...(opts.priority ? { priority: opts.priority } : {}),
        },
        deps.retryDelays,
      );
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw e;
      throw networkError(e);
    }
    if (!res.ok) {
      const err = errorFromResponse(res.status, await readBody(res), opts.what);
      if (err.code === 403) deps.onForbidden?.(err, path);
      throw err;
    }
    return res;
  }

  return {
    profile: deps.profile,
    base,
    url,
    async getJson<T>(path: string, opts?: RequestOptions) {
      return (await (await call('GET', path, undefined, opts)).json()) as T;
    },
    async send<T>(method: string, path: string, body: unknown, opts?: RequestOptions) {
      const res = await call(method, path, body, opts);
      const data = await readBody(res);
      return data as T;
    },
    open(path, opts) {
      return call('GET', path, undefined, opts);
    },
  };
}
