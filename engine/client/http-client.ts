/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- response bodies are untyped JSON (objects, lists, Status) until the caller reads them */
// KubeClient over HTTPS, for node agents on other machines (and anything else outside the
// API server's process): JSON requests with a client certificate or a bearer token, watches
// as streams of JSON lines. Errors carry the Status code and reason, as the in-process client's.
import { Agent, request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../kinds/types';
import type { ClientError, KubeClient, ResourceRef, WatchEventType } from './types';

export interface HttpClientOptions {
  /** https://host:port */
  server: string;
  /** The cluster CA (PEM) the server's certificate must chain to. */
  ca: string;
  cert?: string;
  key?: string;
  /** Bearer token (a bootstrap token while joining), or a getter for one that is renewed (read per request). */
  token?: string | (() => string);
  /** Per-request deadline for everything but watches (default 30 s). */
  timeoutMs?: number;
  userAgent?: string;
}

export interface HttpKubeClient extends KubeClient {
  /** A raw request (paths outside the resource shape); resolves with status and parsed body. */
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: any }>;
  /** New client credentials (a rotated certificate); later requests and watches use them. */
  setCredentials(creds: { cert: string; key: string }): void;
  close(): void;
}

const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
} as const;

export function resourcePath(res: ResourceRef, ns: string | undefined, name?: string, sub?: string): string {
  const base = res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
  const nsPart = ns ? `/namespaces/${encodeURIComponent(ns)}` : '';
  return `${base}${nsPart}/${res.plural}${name ? `/${encodeURIComponent(name)}` : ''}${sub ? `/${sub}` : ''}`;
}

export function createHttpClient(opts: HttpClientOptions): HttpKubeClient {
  const server = new URL(opts.server);
  let creds = { cert: opts.cert, key: opts.key };
  let agent = newAgent();
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const fixed = typeof opts.token === 'string' ? opts.token : undefined;
  const bearer = typeof opts.token === 'function' ? opts.token : () => fixed;

  function newAgent() {
    return new Agent({ keepAlive: true, maxSockets: 16, ca: opts.ca, cert: creds.cert, key: creds.key });
  }

  function open(method: string, path: string, headers: Record<string, string>, body: string | undefined, long: boolean) {
    return new Promise<IncomingMessage>((resolve, reject) => {
      const o: RequestOptions = {
        host: server.hostname,
        port: server.port || 443,
        method,
        path,
        agent: long ? false : agent,
        headers: {
          Accept: 'application/json',
          'User-Agent': opts.userAgent ?? 'skiff-node-agent',
          ...(bearer() ? { Authorization: `Bearer ${bearer()}` } : {}),
          ...headers,
        },
        ...(long ? { ca: opts.ca, cert: creds.cert, key: creds.key } : {}),
      };
      const req = request(o, resolve);
      if (!long)
        req.setTimeout(timeoutMs, () =>
          req.destroy(Object.assign(new Error(`no answer from ${server.host} within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })),
        );
      req.on('error', reject);
      req.end(body);
    });
  }

  async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const res = await open(method, path, text === undefined ? {} : { 'Content-Type': contentType }, text, false);
    let data = '';
    res.setEncoding('utf8');
    for await (const chunk of res) data += chunk as string;
    let parsed: any = data;
    try {
      parsed = data ? JSON.parse(data) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.statusCode ?? 0, body: parsed };
  }

  async function must(method: string, path: string, body?: unknown, contentType?: string): Promise<any> {
    const r = await call(method, path, body, contentType);
    if (r.status >= 200 && r.status < 300) return r.body;
    throw statusError(r.status, r.body);
  }

  const q = (o: Record<string, string | number | boolean | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') p.set(k, String(v));
    const s = p.toString();
    return s ? `?${s}` : '';
  };

  return {
    request: call,
    setCredentials(c) {
      creds = c;
      const old = agent;
      agent = newAgent();
      old.destroy();
    },
    close: () => agent.destroy(),
    get: (res, ns, name) => must('GET', resourcePath(res, ns, name)),
    async list(res, ns, o = {}) {
      const body = await must(
        'GET',
        resourcePath(res, ns) + q({ labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, limit: o.limit, continue: o.continue }),
      );
      return {
        items: body.items ?? [],
        resourceVersion: body.metadata?.resourceVersion ?? '',
        continue: body.metadata?.continue || undefined,
      };
    },
    create: (res, ns, obj, o = {}) => must('POST', resourcePath(res, ns) + q({ dryRun: o.dryRun ? 'All' : undefined }), obj),
    update: (res, ns, obj, o = {}) =>
      must(
        'PUT',
        resourcePath(res, ns ?? obj.metadata?.namespace, obj.metadata.name, o.subresource) + q({ dryRun: o.dryRun ? 'All' : undefined }),
        obj,
      ),
    patch: (res, ns, name, type, patch, o = {}) =>
      must('PATCH', resourcePath(res, ns, name, o.subresource) + q({ dryRun: o.dryRun ? 'All' : undefined }), patch, PATCH_TYPES[type]),
    delete: (res, ns, name, o = {}) =>
      must('DELETE', resourcePath(res, ns, name), {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        ...(o.propagationPolicy ? { propagationPolicy: o.propagationPolicy } : {}),
        ...(o.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: o.gracePeriodSeconds } : {}),
        ...(o.preconditions ? { preconditions: o.preconditions } : {}),
        ...(o.dryRun ? { dryRun: ['All'] } : {}),
      }),
    createSubresource: (res, ns, name, sub, body) => must('POST', resourcePath(res, ns, name, sub), body),
    watch(res, ns, o, onEvent, onClose) {
      let stopped = false;
      let response: IncomingMessage | undefined;
      let closed = false;
      const close = (err?: Error) => {
        if (closed) return;
        closed = true;
        onClose(stopped ? undefined : err);
      };
      const path =
        resourcePath(res, ns) +
        q({
          watch: 'true',
          resourceVersion: o.resourceVersion,
          labelSelector: o.labelSelector,
          fieldSelector: o.fieldSelector,
          allowWatchBookmarks: o.allowBookmarks ? 'true' : undefined,
        });
      open('GET', path, {}, undefined, true)
        .then(async (r) => {
          response = r;
          if (stopped) return r.destroy();
          if ((r.statusCode ?? 0) >= 300) {
            let data = '';
            for await (const c of r) data += String(c);
            let body: unknown = data;
            try {
              body = JSON.parse(data);
            } catch {
              /* keep text */
            }
            return close(statusError(r.statusCode ?? 0, body));
          }
          let buf = '';
          r.setEncoding('utf8');
          r.on('data', (chunk: string) => {
            buf += chunk;
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl).trim();
              buf = buf.slice(nl + 1);
              if (!line) continue;
              const ev = JSON.parse(line) as { type: WatchEventType; object: KubeObject };
              if (ev.type === 'ERROR') {
                const s = ev.object as unknown as { code?: number };
                close(statusError(s.code ?? 500, s));
                r.destroy();
                return;
              }
              onEvent(ev.type, ev.object);
            }
          });
          r.on('end', () => close());
          r.on('error', (e) => close(e));
          r.on('close', () => close());
        })
        .catch((e: Error) => close(e));
      return {
        stop() {
          stopped = true;
          response?.destroy();
          close();
        },
      };
    },
  };
}

function statusError(code: number, body: any): ClientError {
  const message =
    typeof body === 'object' && body?.message
      ? String(body.message)
      : `HTTP ${code}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`;
  return Object.assign(new Error(message), {
    code,
    reason: (typeof body === 'object' && body?.reason) || '',
    details: body?.details,
  });
}
