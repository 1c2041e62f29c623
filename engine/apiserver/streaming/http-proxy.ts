// The proxy subresources' relay (upstream's UpgradeAwareHandler with its rewriting transport,
// k8s.io/apimachinery/pkg/util/proxy): one HTTP request to a resolved pod address, streamed both
// ways. The caller's credentials stay here (Authorization and Impersonate-* are dropped, as
// kube-apiserver's filters do once they have used them); redirects and HTML links that point
// at the backend are rewritten to go back through the proxy path, so a page opened through
// `kubectl proxy` keeps working; CORS headers are removed so a pod cannot widen the API
// server's origin; failures to connect are 503s in upstream's wording.
import { request as httpRequest, type IncomingMessage, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ApiError, errors } from '../status';
import { rewriteHtmlLinks } from './html-link-rewrite';
import { HOP_BY_HOP } from '../../apimachinery/hop-by-hop';

export interface ProxyTarget {
  scheme: 'http' | 'https';
  /** An IP address (already checked by the caller). */
  host: string;
  port: number;
  /** Path on the backend, starting with '/'. */
  path: string;
}

const CORS = [
  'access-control-allow-credentials',
  'access-control-allow-headers',
  'access-control-allow-methods',
  'access-control-allow-origin',
];
/** HTML bodies rewritten in memory up to this size; larger ones pass unchanged. */
const MAX_REWRITE_BYTES = 8 << 20;

function stripHopByHop(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const named = String(h.connection ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined || HOP_BY_HOP.has(k) || named.includes(k)) continue;
    out[k] = v;
  }
  return out;
}

/** Go's dial errors, which users search for. */
export function dialError(e: NodeJS.ErrnoException, hostPort: string): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${hostPort}: connect: connection refused`;
    case 'EHOSTUNREACH':
      return `dial tcp ${hostPort}: connect: no route to host`;
    case 'ETIMEDOUT':
      return `dial tcp ${hostPort}: i/o timeout`;
    case 'ECONNRESET':
      return 'read: connection reset by peer';
    default:
      return e.message;
  }
}

/**
 * A Location or link rewritten to go through `prefix` when it is an absolute path on the backend
 * (upstream's rewriteURL): an absolute URL naming the backend becomes a path; one naming the
 * caller's own host keeps it; other hosts and relative paths stay as they are.
 */
export function rewriteUrl(raw: string, prefix: string, backendHost: string, requestHost: string): string {
  let u: URL;
  try {
    u = new URL(raw, 'http://placeholder.invalid');
  } catch {
    return raw;
  }
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('//');
  if (absolute && !/^https?:$/.test(u.protocol) && !raw.startsWith('//')) return raw;
  const host = absolute ? u.host : '';
  if (host !== '' && host !== backendHost && host !== requestHost) return raw;
  if (!absolute && !raw.startsWith('/')) return raw;
  const keepOrigin = absolute && host === requestHost;
  const path = u.pathname.startsWith(prefix) ? u.pathname : prefix.replace(/\/$/, '') + u.pathname;
  return `${keepOrigin ? `${u.protocol}//${u.host}` : ''}${path}${u.search}${u.hash}`;
}

export interface RelayOptions {
  /** The API path the backend's root appears under (…/proxy), for rewriting links and redirects. */
  prefix: string;
}

/** The headers sent to the backend: no hop-by-hop ones, no credentials, X-Forwarded-* added. */
export function forwardedHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const requestHost = req.headers.host ?? '';
  const headers = stripHopByHop(req.headers);
  delete headers.authorization;
  for (const k of Object.keys(headers)) if (k.startsWith('impersonate-')) delete headers[k];
  const peer = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior ? `${String(prior)}, ${peer}` : peer;
  headers['x-forwarded-uri'] = (req.url ?? '').split('?')[0];
  if (requestHost) headers['x-forwarded-host'] = requestHost;
  headers['x-forwarded-proto'] = 'https';
  return headers;
}

/** Relays `req` to `target` and streams the answer into `res`; resolves when the exchange ends. */
export function relayHttp(req: IncomingMessage, res: ServerResponse, target: ProxyTarget, opts: RelayOptions): Promise<void> {
  const hostPort = target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  const requestHost = req.headers.host ?? '';
  const headers = forwardedHeaders(req);
  const query = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
  const send = target.scheme === 'https' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: ApiError) => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    const out = send(
      {
        host: target.host,
        port: target.port,
        method: req.method,
        path: target.path + query,
        headers,
        agent: false,
        // kube-apiserver's proxy transport does not verify pods' certificates either.
        ...(target.scheme === 'https' ? { rejectUnauthorized: false } : {}),
      },
      (up) => {
        settled = true;
        const h = stripHopByHop(up.headers);
        for (const k of CORS) delete h[k];
        if (typeof h.location === 'string') h.location = rewriteUrl(h.location, opts.prefix, hostPort, requestHost);
        const type = String(up.headers['content-type'] ?? '')
          .split(';')[0]
          .trim()
          .toLowerCase();
        const encoding = String(up.headers['content-encoding'] ?? 'identity').toLowerCase();
        if (type === 'text/html' && encoding === 'identity' && req.method !== 'HEAD') {
          void bufferAndRewrite(up, res, h, opts.prefix, hostPort, requestHost).then(resolve, () => {
            res.destroy();
            resolve();
          });
          return;
        }
        res.writeHead(up.statusCode ?? 502, h);
        up.pipe(res);
        up.on('end', () => resolve());
        up.on('error', () => res.destroy());
        res.on('close', () => {
          up.destroy();
          resolve();
        });
      },
    );
    out.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return res.destroy();
      fail(errors.serviceUnavailable(`error trying to reach service: ${dialError(e, hostPort)}`));
    });
    req.on('aborted', () => out.destroy());
    req.pipe(out);
  });
}

async function bufferAndRewrite(
  up: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string | string[]>,
  prefix: string,
  backendHost: string,
  requestHost: string,
): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of up as AsyncIterable<Buffer>) {
    size += c.length;
    chunks.push(c);
    if (size > MAX_REWRITE_BYTES) {
      // Too large to hold: pass it on as it is.
      res.writeHead(up.statusCode ?? 502, headers);
      for (const b of chunks) res.write(b);
      up.pipe(res);
      return new Promise((r) => up.on('end', () => r()));
    }
  }
  const html = Buffer.concat(chunks).toString('utf8');
  const body = Buffer.from(rewriteHtmlLinks(html, (u) => rewriteUrl(u, prefix, backendHost, requestHost)));
  delete headers['content-length'];
  headers['content-length'] = String(body.length);
  res.writeHead(up.statusCode ?? 502, headers);
  res.end(body);
}
