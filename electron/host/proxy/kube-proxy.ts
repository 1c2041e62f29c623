// /k8s/<profile>/<path>?<query> -> that profile's API server, with the profile's credentials
// attached and the browser's own credentials dropped. Bodies stream both ways (watches and
// followed logs flow as they come; a browser that goes away aborts the upstream request), and
// WebSocket/SPDY upgrades (exec, attach, port-forward) are forwarded and then piped raw.
import { request as httpRequest, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import { describeExecError } from '../profiles/exec-consent';
import { ExecConsentRequired, ProfileUnavailable, type ProfileRegistry } from '../profiles/profiles';
import { createKubeTargets, upstreamPath, type KubeTarget, type KubeTargets } from './kube-target';
import {
  describeConnectError,
  kubeStatus,
  profileNotFound,
  sendStatus,
  serviceUnavailable,
  statusResponseText,
  type KubeStatus,
} from './kube-status';

export const K8S_PREFIX = '/k8s/';

export interface KubeProxy {
  /** An HTTP request under /k8s/ (the caller has checked the session). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** An upgrade request under /k8s/ (the caller has checked the session). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Ends every proxied stream. */
  close(): void;
}

export interface KubeProxyOptions {
  profiles: ProfileRegistry;
  log?: (line: string) => void;
  targets?: KubeTargets;
  /** How long to wait for the API server's response headers (default 30 s). */
  responseTimeoutMs?: number;
  /** How long credentials may take (an exec plugin that hangs; default 60 s). */
  credentialTimeoutMs?: number;
  /** Each real answer (or the lack of one) of a profile's API server: statuses follow it. */
  onAnswer?: (profile: string, answer: ProxyAnswer) => void;
}

export type ProxyAnswer = { ok: true } | { ok: false; reason: string };

// Request headers that mean something to the API server; everything else (Cookie, Origin,
// Authorization, Referer, ...) is the browser's business and stays here.
const FORWARD = ['accept', 'content-type', 'content-length', 'if-none-match', 'if-match'];
const FORWARD_UPGRADE = [
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'x-stream-protocol-version',
];
// Response headers that describe the hop, not the content, or that would act on our origin.
const DROP_RESPONSE = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-connection',
  'trailer',
  'te',
  'set-cookie',
  'content-security-policy',
  'strict-transport-security',
]);

export function createKubeProxy(opts: KubeProxyOptions): KubeProxy {
  const log = opts.log ?? (() => {});
  const targets = opts.targets ?? createKubeTargets();
  const responseTimeoutMs = opts.responseTimeoutMs ?? 30_000;
  const credentialTimeoutMs = opts.credentialTimeoutMs ?? 60_000;
  const live = new Set<{ destroy(): void }>();
  const answered = (profile: string, answer: ProxyAnswer) => {
    try {
      opts.onAnswer?.(profile, answer);
    } catch (err) {
      log(`host: status update of profile "${profile}" failed: ${(err as Error)?.message ?? err}`);
    }
  };

  type Resolved = { profile: string; kc: KubeConfig; target: KubeTarget; path: string } | { fail: KubeStatus };

  async function resolve(req: IncomingMessage, keepAlive: boolean): Promise<Resolved> {
    const parsed = parsePath(req.url ?? '/');
    if (!parsed) return { fail: kubeStatus(404, 'NotFound', 'no profile in the path; use /k8s/<profile>/<kubernetes path>') };
    const profile = opts.profiles.get(parsed.profile);
    if (!profile) return { fail: profileNotFound(parsed.profile) };
    let kc: KubeConfig;
    let target: KubeTarget;
    try {
      kc = profile.kubeConfig();
      target = await credentialsWithin(targets.resolve(kc, { keepAlive }), credentialTimeoutMs, profile.exec?.command);
    } catch (err) {
      if (err instanceof ExecConsentRequired) {
        return { fail: kubeStatus(401, 'ExecConsentRequired', err.message, { name: parsed.profile, kind: 'profiles' }) };
      }
      const why =
        err instanceof ProfileUnavailable
          ? err.message
          : `cannot use the credentials of profile "${parsed.profile}": ${(err as { ownTimeout?: boolean }).ownTimeout ? firstLine(err) : (describeExecError(err, profile.exec) ?? firstLine(err))}`;
      return { fail: serviceUnavailable(why) };
    }
    return { profile: parsed.profile, kc, target, path: upstreamPath(target.server, parsed.rest, parsed.search) };
  }

  function open(r: { target: KubeTarget; path: string }, method: string, headers: Record<string, string>): ClientRequest {
    const { server, secure, options } = r.target;
    const request = secure ? httpsRequest : httpRequest;
    return request({
      ...options,
      protocol: server.protocol,
      hostname: server.hostname.replace(/^\[|\]$/g, ''),
      port: server.port || (secure ? 443 : 80),
      method,
      path: r.path,
      headers: { ...headers, ...r.target.headers },
    });
  }

  const unreachable = (profile: string, server: URL, err: unknown) =>
    serviceUnavailable(`cannot reach the API server of profile "${profile}" (${server.origin}): ${describeConnectError(err, server)}`);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const r = await resolve(req, true);
    if ('fail' in r) {
      req.resume();
      return sendStatus(res, r.fail);
    }
    const up = open(r, req.method ?? 'GET', { ...pick(req.headers, FORWARD), 'user-agent': 'skiff-app' });
    const entry = {
      destroy: () => {
        up.destroy();
        res.destroy();
      },
    };
    live.add(entry);
    const timer = setTimeout(
      () =>
        up.destroy(
          Object.assign(new Error(`no answer within ${responseTimeoutMs / 1000} s`), { code: 'ETIMEDOUT', timeoutMs: responseTimeoutMs }),
        ),
      responseTimeoutMs,
    );
    let finished = false;
    up.on('response', (upRes) => {
      clearTimeout(timer);
      answered(r.profile, { ok: true });
      if (upRes.statusCode === 401) targets.invalidate(r.kc);
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, {
        ...responseHeaders(upRes),
        'X-Content-Type-Options': 'nosniff',
        // Whatever a cluster answers must never run as a page of the app's origin.
        'Content-Security-Policy': "sandbox; default-src 'none'",
      });
      res.flushHeaders(); // a watch may not send a byte for minutes; the browser needs the headers now
      upRes.on('end', () => (finished = true));
      upRes.on('error', () => res.destroy());
      upRes.pipe(res);
    });
    up.on('error', (err) => {
      clearTimeout(timer);
      if (!res.headersSent) {
        // A browser that went away is no news about the server; a refused or timed-out request is.
        if (!res.destroyed) answered(r.profile, { ok: false, reason: describeConnectError(err, r.target.server) });
        sendStatus(res, unreachable(r.profile, r.target.server, err));
      } else res.destroy();
    });
    // The browser went away (tab closed, fetch aborted): stop the watch or log stream upstream.
    res.on('close', () => {
      clearTimeout(timer);
      live.delete(entry);
      if (!finished) up.destroy();
    });
    req.on('error', () => up.destroy());
    req.pipe(up);
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const r = await resolve(req, false);
    if ('fail' in r) return void socket.end(statusResponseText(r.fail));
    const up = open(r, req.method ?? 'GET', pick(req.headers, [...FORWARD, ...FORWARD_UPGRADE]));
    const entry = {
      destroy: () => {
        up.destroy();
        socket.destroy();
      },
    };
    live.add(entry);
    socket.on('close', () => {
      live.delete(entry);
      up.destroy();
    });
    up.on('upgrade', (upRes, upSocket, upHead) => {
      const lines = [`HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage ?? 'Switching Protocols'}`];
      // Same filter as normal answers (no Set-Cookie onto our origin), but the 101 keeps its hop headers.
      for (let i = 0; i < upRes.rawHeaders.length; i += 2) {
        const name = upRes.rawHeaders[i].toLowerCase();
        if (DROP_RESPONSE.has(name) && name !== 'connection' && name !== 'upgrade') continue;
        lines.push(`${upRes.rawHeaders[i]}: ${upRes.rawHeaders[i + 1]}`);
      }
      socket.write(lines.join('\r\n') + '\r\n\r\n');
      if (upHead.length) socket.write(upHead);
      if (head.length) upSocket.write(head);
      upSocket.on('error', () => socket.destroy());
      upSocket.on('close', () => socket.destroy());
      socket.on('close', () => upSocket.destroy());
      upSocket.pipe(socket);
      socket.pipe(upSocket);
    });
    // Refused upgrades (404 pod, 400 bad container, 403): relay the API server's Status as is.
    up.on('response', (upRes) => {
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', () => {
        const body = Buffer.concat(chunks);
        const headers = { ...responseHeaders(upRes), 'content-length': String(body.length), connection: 'close' };
        const head = [
          `HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage ?? ''}`,
          ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        ];
        socket.end(Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n'), body]));
      });
    });
    up.on('error', (err) => {
      if (!socket.destroyed) socket.end(statusResponseText(unreachable(r.profile, r.target.server, err)));
    });
    up.end();
  }

  return {
    handle(req, res) {
      handle(req, res).catch((err) => {
        log(`host: kube proxy failed: ${(err as Error)?.stack ?? err}`);
        if (!res.headersSent) sendStatus(res, kubeStatus(500, 'InternalError', `the app's proxy failed: ${firstLine(err)}`));
        else res.destroy();
      });
    },
    upgrade(req, socket, head) {
      upgrade(req, socket, head).catch((err) => {
        log(`host: kube proxy upgrade failed: ${(err as Error)?.stack ?? err}`);
        socket.destroy();
      });
    },
    close() {
      for (const e of [...live]) e.destroy();
      live.clear();
      targets.close();
    },
  };
}

/** The credentials' promise, or a rejection once they took too long (a plugin waiting for a login that never comes). */
function credentialsWithin<T>(p: Promise<T>, ms: number, command: string | undefined): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    const why = command
      ? `the exec plugin "${command}" did not finish within ${ms / 1000} s`
      : `preparing the credentials took longer than ${ms / 1000} s`;
    timer = setTimeout(() => reject(Object.assign(new Error(why), { ownTimeout: true })), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** /k8s/<profile>/<rest>?<search>, keeping <rest> as the browser encoded it. */
export function parsePath(url: string): { profile: string; rest: string; search: string } | undefined {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const search = q < 0 ? '' : url.slice(q);
  if (!path.startsWith(K8S_PREFIX)) return undefined;
  const after = path.slice(K8S_PREFIX.length);
  const slash = after.indexOf('/');
  const seg = slash < 0 ? after : after.slice(0, slash);
  let profile: string;
  try {
    profile = decodeURIComponent(seg);
  } catch {
    return undefined;
  }
  if (!profile) return undefined;
  return { profile, rest: slash < 0 ? '/' : after.slice(slash), search };
}

function pick(headers: IncomingMessage['headers'], names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = headers[n];
    if (v !== undefined) out[n] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function responseHeaders(res: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !DROP_RESPONSE.has(k)) out[k] = v;
  return out;
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}
