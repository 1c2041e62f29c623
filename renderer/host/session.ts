// The host session (electron/host/http/session.ts): the secret lives in this tab's
// sessionStorage (our exact origin, port included: no other page can read it, and a reload
// keeps it) and goes out as a header on every host call, or as a WebSocket subprotocol.
// The names below must match electron/host/protocol.ts (the renderer imports only its types).
import type { FetchFn } from '../k8s/client';

const SESSION_HEADER = 'X-Skiff-Session';
const SESSION_SUBPROTOCOL_PREFIX = 'skiff-session.';
const SESSION_STORAGE_KEY = 'skiff.session';
const LAUNCH_FRAGMENT = 'skiff-launch';
const ROUTE_FRAGMENT = 'skiff-route';

export interface HostSession {
  secret(): string | undefined;
  /** WebSocket protocols: the caller's own, then the session one. */
  protocols(own?: string[]): string[];
}

export function createHostSession(storage: Pick<Storage, 'getItem'>): HostSession {
  const secret = () => storage.getItem(SESSION_STORAGE_KEY) ?? undefined;
  return {
    secret,
    protocols(own = []) {
      const s = secret();
      return s ? [...own, SESSION_SUBPROTOCOL_PREFIX + s] : own;
    },
  };
}

/**
 * At launch the URL fragment carries the one-time token (#skiff-launch=...): trade it for the
 * secret (POST /api/session), keep that in sessionStorage and take the token out of the URL.
 * A launch that names where to open (&skiff-route=<route>, `skiff app --open`) leaves that
 * route as the fragment, where the app's router reads it.
 */
export async function establishSession(win: Window): Promise<void> {
  const params = new URLSearchParams(win.location.hash.slice(1));
  const token = params.get(LAUNCH_FRAGMENT);
  if (!token) return;
  const route = params.get(ROUTE_FRAGMENT);
  const hash = route?.startsWith('/') ? `#${route}` : '';
  win.history.replaceState(null, '', win.location.pathname + win.location.search + hash);
  try {
    const res = await win.fetch('/api/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'same-origin',
    });
    const body = (await res.json()) as { secret?: string };
    if (res.ok && body.secret) win.sessionStorage.setItem(SESSION_STORAGE_KEY, body.secret);
  } catch {
    /* the first host call then says the session is not valid, with what to do */
  }
}

/** fetch that adds the session header to requests for our own origin (never to others). */
export function sessionFetch(fetch: FetchFn, session: HostSession, origin: string): FetchFn {
  return (input, init = {}) => {
    const secret = session.secret();
    if (!secret || new URL(input, origin + '/').origin !== origin) return fetch(input, init);
    const headers = new Headers(init.headers);
    headers.set(SESSION_HEADER, secret);
    return fetch(input, { ...init, headers });
  };
}
