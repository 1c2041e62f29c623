// The per-launch session: a one-time launch token (in the URL printed at start) buys a
// session cookie; every other request and WebSocket upgrade must carry that cookie and come
// with our own Host (DNS rebinding) and, when present, our own Origin (other web pages).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LAUNCH_TOKEN_PARAM, SESSION_COOKIE } from '../protocol';

export interface Refusal {
  status: number;
  message: string;
}

export interface LaunchResult {
  /** Where to send the browser (302). */
  location: string;
  /** Set-Cookie value, when this request redeemed the token. */
  setCookie?: string;
}

export interface Session {
  /** One-time token for the launch URL. */
  readonly launchToken: string;
  /** The session secret the cookie carries. */
  readonly cookieValue: string;
  /** The Set-Cookie header value that hands out the session. */
  readonly setCookie: string;
  /** null when the request may proceed; else what to answer. */
  checkRequest(req: IncomingMessage, opts: { port: number }): Refusal | null;
  /** For a request carrying ?token=: redeem it (once) or refuse. */
  launch(req: IncomingMessage, opts: { port: number }): LaunchResult | Refusal;
  /** True when the URL carries a launch token parameter. */
  isLaunchRequest(req: IncomingMessage): boolean;
}

const OPEN_HINT = 'open Skiff with the link it printed when it started';

export function createSession(opts: { secret?: string; launchToken?: string } = {}): Session {
  const cookieValue = opts.secret ?? randomBytes(32).toString('base64url');
  const launchToken = opts.launchToken ?? randomBytes(32).toString('base64url');
  let tokenUsed = false;
  const setCookie = `${SESSION_COOKIE}=${cookieValue}; HttpOnly; SameSite=Strict; Path=/`;

  function originChecks(req: IncomingMessage, port: number): Refusal | null {
    const host = req.headers.host;
    if (!host || !allowedHosts(port).includes(host.toLowerCase())) {
      return { status: 403, message: `Forbidden: unexpected Host header; ${OPEN_HINT}` };
    }
    const origin = req.headers.origin;
    const upgrade = req.headers.upgrade !== undefined;
    if (origin === undefined) {
      // Browsers always send Origin on WebSocket handshakes; a missing one is not a browser page of ours.
      return upgrade ? { status: 403, message: 'Forbidden: WebSocket upgrade without an Origin header' } : null;
    }
    if (
      !allowedHosts(port)
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

  return {
    launchToken,
    cookieValue,
    setCookie,
    checkRequest(req, { port }) {
      const refused = originChecks(req, port);
      if (refused) return refused;
      if (!hasCookie(req)) return { status: 403, message: `Forbidden: no valid session; ${OPEN_HINT} (it carries a one-time token)` };
      return null;
    },
    launch(req, { port }) {
      const refused = originChecks(req, port);
      if (refused) return refused;
      const token = tokenOf(req);
      if (!tokenUsed && token !== undefined && safeEqual(token, launchToken)) {
        tokenUsed = true;
        return { location: '/', setCookie };
      }
      // Reloading the launch URL in a browser that already holds the session is harmless.
      if (hasCookie(req)) return { location: '/' };
      return {
        status: 403,
        message: tokenUsed
          ? 'Forbidden: this launch link was already used; open Skiff from the browser window it opened, or restart Skiff for a new link'
          : `Forbidden: invalid launch token; ${OPEN_HINT}`,
      };
    },
    isLaunchRequest(req) {
      return tokenOf(req) !== undefined;
    },
  };
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
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
