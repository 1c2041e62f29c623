// The per-launch session. Two factors, so that no other origin can borrow it:
// - a session secret the renderer keeps in sessionStorage (scoped to our exact origin, port
//   included) and sends as the X-Skiff-Session header (WebSockets: a `skiff-session.<secret>`
//   subprotocol, since browsers cannot set headers there). It is never in a page we serve.
// - an HttpOnly SameSite=Strict cookie. Cookies are not port-scoped: any other 127.0.0.1
//   page the user opens gets it, which is why it is only the second factor.
// The launch URL's one-time token sets the cookie (GET, redirecting to /#skiff-launch=<token>,
// plus &skiff-route=<route> when the launch URL names where to open: launch-route.ts) and is
// then exchanged once by the page (POST /api/session) for the secret. Every request
// also needs our own Host (DNS rebinding), our own Origin when present, and
// Sec-Fetch-Site same-origin or none when present.
// In a browser the app opens on a host name of its own per launch, skiff-<random>.localhost
// (browsers resolve *.localhost to loopback): the cookie is then host-only to that name, so it is
// never sent to a page on 127.0.0.1 or localhost at any port (a pod's page through port-forward),
// nor to another launch. 127.0.0.1 and localhost stay accepted for the Electron window and for
// browsers that do not resolve such names.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { normalizeLaunchRoute } from './launch-route';
import { LAUNCH_ROUTE_PARAM, LAUNCH_TOKEN_PARAM, SESSION_COOKIE, SESSION_HEADER, SESSION_SUBPROTOCOL_PREFIX } from '../protocol';

export interface Refusal {
  status: number;
  message: string;
}

export interface LaunchResult {
  /** Where to send the browser (302). */
  location: string;
  /** Set-Cookie value, when this request carried an unexchanged token. */
  setCookie?: string;
  /**
   * Continue with a page of our own (a meta refresh) rather than a redirect: the request came
   * cross-site (the launch file, a file:// page), and a redirect would stay cross-site, so the
   * SameSite=Strict cookie would not be sent and the page itself would be refused.
   */
  viaPage?: boolean;
}

export interface Session {
  /** One-time token for the launch URL. */
  readonly launchToken: string;
  /** The value the cookie carries (second factor). */
  readonly cookieValue: string;
  /** The secret the renderer sends as X-Skiff-Session. */
  readonly secret: string;
  /** The Set-Cookie header value that hands out the cookie. */
  readonly setCookie: string;
  /** This launch's own host name, skiff-<random>.localhost. */
  readonly launchHost: string;
  /** Host headers (host:port) this session accepts. */
  hosts(port: number): string[];
  /** Host, origin, fetch-site and cookie checks (renderer files). null when the request may proceed. */
  checkRequest(req: IncomingMessage, opts: { port: number }): Refusal | null;
  /** checkRequest plus the session secret (API, kube proxy, WebSocket upgrades). */
  checkApi(req: IncomingMessage, opts: { port: number }): Refusal | null;
  /** For a GET carrying ?token=: set the cookie and hand the token to the page, or refuse. */
  launch(req: IncomingMessage, opts: { port: number }): LaunchResult | Refusal;
  /** POST /api/session: the one-time token buys the secret (once). */
  exchange(req: IncomingMessage, token: unknown, opts: { port: number }): { secret: string } | Refusal;
  /** True when the URL carries a launch token parameter. */
  isLaunchRequest(req: IncomingMessage): boolean;
}

const OPEN_HINT = 'open Skiff with the link it printed when it started';
/** The fragment parameter the launch redirect hands the page (fragments never reach a server). */
export const LAUNCH_FRAGMENT = 'skiff-launch';
/** The fragment parameter carrying the route to open (percent-encoded). */
export const ROUTE_FRAGMENT = 'skiff-route';

export function createSession(opts: { secret?: string; launchToken?: string; cookieValue?: string; launchHost?: string } = {}): Session {
  const launchHost = opts.launchHost ?? `skiff-${randomBytes(8).toString('hex')}.localhost`;
  const hosts = (port: number) => [...allowedHosts(port), `${launchHost}:${port}`];
  const cookieValue = opts.cookieValue ?? randomBytes(32).toString('base64url');
  const secret = opts.secret ?? randomBytes(32).toString('base64url');
  const launchToken = opts.launchToken ?? randomBytes(32).toString('base64url');
  let exchanged = false;
  const setCookie = `${SESSION_COOKIE}=${cookieValue}; HttpOnly; SameSite=Strict; Path=/`;

  function originChecks(req: IncomingMessage, port: number, anySite = false): Refusal | null {
    const host = req.headers.host;
    if (!host || !hosts(port).includes(host.toLowerCase())) {
      return { status: 403, message: `Forbidden: unexpected Host header; ${OPEN_HINT}` };
    }
    const site = req.headers['sec-fetch-site'];
    if (!anySite && site !== undefined && site !== 'same-origin' && site !== 'none') {
      return { status: 403, message: `Forbidden: request from another site (Sec-Fetch-Site: ${String(site)})` };
    }
    const origin = req.headers.origin;
    const upgrade = req.headers.upgrade !== undefined;
    if (origin === undefined) {
      // Browsers always send Origin on WebSocket handshakes; a missing one is not a browser page of ours.
      return upgrade ? { status: 403, message: 'Forbidden: WebSocket upgrade without an Origin header' } : null;
    }
    if (
      !hosts(port)
        .map((h) => `http://${h}`)
        .includes(origin.toLowerCase())
    ) {
      return { status: 403, message: 'Forbidden: request from another origin' };
    }
    return null;
  }

  function hasCookie(req: IncomingMessage): boolean {
    const value = readCookie(req.headers.cookie, SESSION_COOKIE);
    return value !== undefined && safeEqual(value, cookieValue);
  }

  function checkRequest(req: IncomingMessage, port: number): Refusal | null {
    const refused = originChecks(req, port);
    if (refused) return refused;
    if (!hasCookie(req)) return { status: 403, message: `Forbidden: no valid session; ${OPEN_HINT} (it carries a one-time token)` };
    return null;
  }

  return {
    launchToken,
    cookieValue,
    secret,
    setCookie,
    launchHost,
    hosts,
    checkRequest: (req, { port }) => checkRequest(req, port),
    checkApi(req, { port }) {
      const refused = checkRequest(req, port);
      if (refused) return refused;
      const given = req.headers.upgrade !== undefined ? secretFromProtocols(req) : req.headers[SESSION_HEADER];
      if (typeof given !== 'string' || !safeEqual(given, secret)) {
        return {
          status: 401,
          message: `Unauthorized: missing or wrong ${req.headers.upgrade !== undefined ? 'session subprotocol' : 'X-Skiff-Session header'}; reload the Skiff window, or ${OPEN_HINT}`,
        };
      }
      return null;
    },
    launch(req, { port }) {
      const token = tokenOf(req);
      const valid = !exchanged && token !== undefined && safeEqual(token, launchToken);
      // The launch file (launch-file.ts) navigates here from file://, which is cross-site. Only
      // a top-level navigation carrying the valid one-time token may come that way: no other
      // site knows the token, so this lets no one else in.
      const crossSite = req.headers['sec-fetch-site'] === 'cross-site' && req.headers['sec-fetch-mode'] === 'navigate';
      const refused = originChecks(req, port, valid && crossSite);
      if (refused) return refused;
      const route = routeOf(req);
      if (valid) {
        const to = route ? `&${ROUTE_FRAGMENT}=${encodeURIComponent(route)}` : '';
        return { location: `/#${LAUNCH_FRAGMENT}=${encodeURIComponent(token)}${to}`, setCookie, ...(crossSite ? { viaPage: true } : {}) };
      }
      // Reloading the launch URL in a browser that already holds the session is harmless.
      if (hasCookie(req)) return { location: route ? `/#${route}` : '/' };
      return {
        status: 403,
        message: exchanged
          ? 'Forbidden: this launch link was already used; open Skiff from the browser window it opened, or restart Skiff for a new link'
          : `Forbidden: invalid launch token; ${OPEN_HINT}`,
      };
    },
    exchange(req, token, { port }) {
      const refused = checkRequest(req, port);
      if (refused) return refused;
      if (exchanged) return { status: 403, message: `Forbidden: this launch link was already used; restart Skiff for a new link` };
      if (typeof token !== 'string' || !safeEqual(token, launchToken)) {
        return { status: 403, message: `Forbidden: invalid launch token; ${OPEN_HINT}` };
      }
      exchanged = true;
      return { secret };
    },
    isLaunchRequest(req) {
      return tokenOf(req) !== undefined;
    },
  };
}

/** The loopback names every session accepts (its own launch host comes on top: Session.hosts). */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** The Sec-WebSocket-Protocol list without our session entry (never forwarded to a cluster). */
export function withoutSessionProtocol(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const rest = header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith(SESSION_SUBPROTOCOL_PREFIX));
  return rest.length ? rest.join(', ') : undefined;
}

function secretFromProtocols(req: IncomingMessage): string | undefined {
  const header = req.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return undefined;
  const p = header
    .split(',')
    .map((s) => s.trim())
    .find((s) => s.startsWith(SESSION_SUBPROTOCOL_PREFIX));
  return p?.slice(SESSION_SUBPROTOCOL_PREFIX.length);
}

/** The launch URL's route, when it has a sound one (a bad one is ignored: the app opens as usual). */
function routeOf(req: IncomingMessage): string | undefined {
  const text = new URL(req.url ?? '/', 'http://x').searchParams.get(LAUNCH_ROUTE_PARAM);
  return text ? normalizeLaunchRoute(text) : undefined;
}

function tokenOf(req: IncomingMessage): string | undefined {
  const url = new URL(req.url ?? '/', 'http://x');
  return url.searchParams.get(LAUNCH_TOKEN_PARAM) ?? undefined;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

// Hashing first makes both sides the same length, so timingSafeEqual never leaks the length.
function safeEqual(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
