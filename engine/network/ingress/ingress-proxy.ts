// The ingress data path: an HTTP/1.1 server on 127.0.0.1 that routes each request by Host and
// path (route-table.ts) to a ready endpoint of the Service (round-robin), keeps connections to
// backends alive, passes WebSocket (any Upgrade) through, sets the X-Forwarded-* headers upstream
// controllers set, and answers in plain words when it cannot: 421 for the app's own host names,
// 404 when no rule matches, 503 when the Service has no ready endpoint, 502 when it cannot connect.
// A connection that opens with the HTTP/2 preface, or a TLS one that chose `h2`, goes to the gRPC
// proxy (grpc-proxy.ts). HTTP/1.1 connections start in the raw relay (raw-relay.ts), which serves
// plain requests without node's http machinery and hands the connection here for anything else.
import { Agent, createServer, request, type IncomingMessage, type RequestOptions, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { joinSockets } from '../protocol';
import type { Endpoint } from '../table';
import { isReservedHost, matchRoute, normalizeHost, rewriteTarget, type Backend, type RouteTable } from './route-table';
import type { HeaderEdit } from './header-edits';
import { clientResponseHeaders, rawHeader, upstreamRequestHeaders } from './upstream-headers';
import { statusText } from './status-text';
import { createGrpcProxy } from './grpc-proxy';
import { alpnHttp2, sniffHttp2 } from './sniff-http2';
import { createRawRelay, type RelayPlan, type RelayRequest } from './raw-relay';
import type { Server as HttpsServer } from 'node:https';

export interface BackendDialer {
  /** Where a request to `backend` goes: a pod endpoint (direct) or the Service's ClusterIP (via the agent). */
  target(backend: Backend, endpoint: Endpoint): Endpoint;
  /** A connected socket to a target. */
  connect(host: string, port: number): Promise<Socket>;
  /** Whether connections to a target may be kept alive (not through the agent, which spreads per connection). */
  reusable?(host: string, port: number): boolean;
  /** Called when a connection failed in a way that says the path itself is wrong (may switch mode). */
  failed?(err: NodeJS.ErrnoException): boolean;
}

export interface IngressProxyOptions {
  table(): RouteTable;
  dialer: BackendDialer;
  log(line: string): void;
  /** The HTTPS listener's port, for redirects of hosts served over HTTPS only (undefined: none). */
  httpsPort?: () => number | undefined;
  /** Routes tried before the Ingress rules (the Gateway API's HTTPRoutes, and GRPCRoutes for gRPC calls); undefined: none matched. */
  preRoute?(req: IncomingMessage, host: string, secure: boolean, grpc?: boolean): ProxyRoute | ProxyAnswer | undefined;
}

/** Where a request goes: a backend, with what the route rewrites on the way. */
export interface ProxyRoute {
  backend: Backend;
  /** What routed it, for messages ("default/web" for an Ingress, "HTTPRoute default/web"). */
  ingress: string;
  /** Path (with query) sent upstream instead of the request's. */
  upstreamPath?: string;
  /** Host header sent upstream instead of the request's. */
  upstreamHost?: string;
  /** Speak TLS to the pod (ingress-nginx backend-protocol HTTPS; its certificate is not verified). */
  backendTls?: boolean;
  requestHeaders?: HeaderEdit;
  responseHeaders?: HeaderEdit;
  /** Backends that get a copy of the request; their answers are dropped (Gateway API RequestMirror). */
  mirrors?: Backend[];
}

/** An answer the proxy gives itself. */
export interface ProxyAnswer {
  status: number;
  body: string;
  location?: string;
}

export interface IngressProxy {
  /** The plain HTTP server (not listening yet). */
  server: Server;
  /** Serves the same routes on another HTTP/1 server. */
  attach(server: Server): void;
  /** Serves the same routes on an HTTPS server (HTTP/2 when the client chooses `h2` by ALPN). */
  attachTls(server: HttpsServer): void;
  /** Serves the same routes on another plain server, cleartext HTTP/2 (gRPC) included. */
  attachPlain(server: Server): void;
  /** Closes the idle kept-alive connections to endpoints not in `live` (pods that left keep none open). */
  retain(live: Endpoint[]): void;
  close(): void;
}

const ATTEMPTS = 3;
type ConnectionFactory = (
  opts: { host: string; port: number; servername?: string },
  cb: (err: Error | null, s?: Socket) => void,
) => undefined;

export function createIngressProxy(o: IngressProxyOptions): IngressProxy {
  const next = new Map<string, number>();
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 64, timeout: 60_000 });
  const oneShot = new Agent({ keepAlive: false });
  // Node's Agent takes a callback-style createConnection: dial directly or through the network agent.
  const createConnection: ConnectionFactory = (opts, cb) => {
    o.dialer.connect(opts.host, opts.port).then(
      (s) => cb(null, s),
      (e: Error) => cb(e),
    );
    return undefined;
  };
  for (const a of [agent, oneShot]) (a as unknown as { createConnection: ConnectionFactory }).createConnection = createConnection;
  // TLS to the pod (backend-protocol HTTPS) over the same dial, one connection per request.
  const tlsAgent = new Agent({ keepAlive: false });
  (tlsAgent as unknown as { createConnection: ConnectionFactory }).createConnection = (opts, cb) => {
    o.dialer.connect(opts.host, opts.port).then(
      (socket) => cb(null, tlsConnect({ socket, servername: opts.servername, rejectUnauthorized: false })),
      (e: Error) => cb(e),
    );
    return undefined;
  };

  /** Where round-robin starts for this request: the endpoint after the last one used. */
  function spread(b: Backend): number {
    const start = (next.get(b.id) ?? 0) % b.endpoints.length;
    next.set(b.id, start + 1);
    return start;
  }

  type Routed = ProxyRoute | ProxyAnswer;
  function route(req: IncomingMessage): Routed {
    const rawHost = req.headers.host ?? '';
    const host = normalizeHost(rawHost);
    if (isReservedHost(host))
      return { status: 421, body: `${host} belongs to the Skiff app: the ingress never serves skiff-*.localhost host names.` };
    const path = req.url ?? '/';
    const pre = o.preRoute?.(req, host, !!(req.socket as TLSSocket).encrypted);
    if (pre) return pre;
    const m = matchRoute(o.table(), host, path);
    if (!m) return { status: 404, body: `No Ingress rule matches host "${host}" and path "${path.split('?')[0]}".` };
    const tlsPort = o.httpsPort?.();
    if (m.httpsOnly && tlsPort && !(req.socket as TLSSocket).encrypted) {
      const location = `https://${host}${tlsPort === 443 ? '' : `:${tlsPort}`}${path}`;
      return { status: 308, body: `Ingress ${m.ingress} serves ${host} over HTTPS: ${location}`, location };
    }
    if (m.backend.problem) return { status: 503, body: `${m.backend.problem} (Ingress ${m.ingress}).` };
    if (!m.backend.endpoints.length)
      return { status: 503, body: `Service ${m.backend.id} has no ready endpoints (Ingress ${m.ingress}): no pod behind it is Ready.` };
    const upstreamPath = rewriteTarget(m, path);
    return upstreamPath ? { ...m, upstreamPath } : m;
  }

  /** The Host node would send for a target when the client sent none. */
  const hostOf = (t: Endpoint) => {
    const ip = t.ip.includes(':') ? `[${t.ip}]` : t.ip;
    return t.port === 80 ? ip : `${ip}:${t.port}`;
  };

  function plain(res: ServerResponse, status: number, body: string, location?: string) {
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Skiff-Ingress': 'error',
      ...(location ? { Location: location } : {}),
    });
    res.end(`${status} ${statusText(status)}: ${body}\n`);
  }

  function forward(req: IncomingMessage, res: ServerResponse, r: ProxyRoute) {
    const { backend, ingress } = r;
    const eps = backend.endpoints;
    const start = spread(backend);
    // A request whose body may already be on its way is sent once; others may try other endpoints.
    const bodyless = !req.headers['transfer-encoding'] && (req.headers['content-length'] ?? '0') === '0';
    const path = r.upstreamPath ?? req.url;
    const first = o.dialer.target(backend, eps[start]);
    const headers = upstreamRequestHeaders(req, {
      keepUpgrade: false,
      edit: r.requestHeaders,
      upstreamHost: r.upstreamHost,
      defaultHost: hostOf(first),
    });
    const attempt = (i: number, lastErr?: NodeJS.ErrnoException) => {
      if (i >= Math.min(ATTEMPTS, eps.length) || (i > 0 && !bodyless))
        return plain(
          res,
          502,
          `cannot reach Service ${backend.id} (${ingress.includes(' ') ? ingress : `Ingress ${ingress}`}): ${lastErr?.code ?? lastErr?.message ?? 'no endpoint answered'}.`,
        );
      const t = i === 0 ? first : o.dialer.target(backend, eps[(start + i) % eps.length]);
      const up = request(
        r.backendTls
          ? // TLS to the pod over the dialer's socket, one connection per request.
            ({
              host: t.ip,
              port: t.port,
              method: req.method,
              path,
              headers,
              agent: tlsAgent,
              servername: normalizeHost(rawHeader(headers, 'host') ?? '') || undefined,
            } as RequestOptions)
          : {
              host: t.ip,
              port: t.port,
              method: req.method,
              path,
              headers,
              agent: (o.dialer.reusable?.(t.ip, t.port) ?? true) ? agent : oneShot,
            },
      );
      let answered = false;
      up.on('response', (ur) => {
        answered = true;
        res.writeHead(ur.statusCode ?? 502, ur.statusMessage, clientResponseHeaders(ur, r.responseHeaders));
        ur.pipe(res);
        ur.on('error', () => res.destroy());
      });
      up.on('error', (e: NodeJS.ErrnoException) => {
        if (answered) return void res.destroy();
        // A kept-alive connection the backend closed meanwhile, or a refused endpoint: next one.
        if (o.dialer.failed?.(e) || (up.reusedSocket && bodyless && e.code === 'ECONNRESET')) return attempt(i, e);
        if (res.headersSent || req.destroyed) return void res.destroy();
        attempt(i + 1, e);
      });
      res.on('close', () => {
        if (!res.writableFinished) up.destroy();
      });
      if (bodyless) up.end();
      else req.pipe(up);
    };
    attempt(0);
    if (r.mirrors) for (const m of r.mirrors) mirror(req, m, headers, path, bodyless);
  }

  /** Sends a copy of the request to one endpoint of `m`, reading and dropping its answer. */
  function mirror(req: IncomingMessage, m: Backend, headers: string[], path: string | undefined, bodyless: boolean) {
    if (!m.endpoints.length) return;
    const t = o.dialer.target(m, m.endpoints[spread(m)]);
    const copy = request({ host: t.ip, port: t.port, method: req.method, path, headers, agent: oneShot });
    copy.on('response', (res) => res.resume());
    copy.on('error', (e) => o.log(`ingress: mirror to ${m.id}: ${e.message}`));
    if (bodyless) copy.end();
    else req.pipe(copy);
  }

  function upgrade(req: IncomingMessage, client: Socket, head: Buffer) {
    client.on('error', () => client.destroy());
    const r = route(req);
    if ('status' in r) {
      const body = `${r.status} ${statusText(r.status)}: ${r.body}\n`;
      const location = r.location ? `Location: ${r.location}\r\n` : '';
      client.end(
        `HTTP/1.1 ${r.status} ${statusText(r.status)}\r\n${location}Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    const t = o.dialer.target(r.backend, r.backend.endpoints[spread(r.backend)]);
    o.dialer.connect(t.ip, t.port).then(
      (up) => {
        const lines = [`${req.method} ${r.upstreamPath ?? req.url} HTTP/1.1`];
        const headers = upstreamRequestHeaders(req, {
          keepUpgrade: true,
          edit: r.requestHeaders,
          upstreamHost: r.upstreamHost,
          defaultHost: hostOf(t),
        });
        for (let i = 0; i < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
        up.write(lines.join('\r\n') + '\r\n\r\n');
        if (head.length) up.write(head);
        joinSockets(client, up);
      },
      (e: Error) => {
        o.log(`ingress: upgrade to ${r.backend.id}: ${e.message}`);
        client.end(`HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      },
    );
  }

  // The route the raw relay made for the request it handed over with its connection (routing picks
  // weighted backends: it happens once per request).
  const handedOver = new WeakMap<Socket, Routed>();
  const relay = createRawRelay({
    plan: relayPlan,
    // A failure that says pods are unreachable switches the dialer before the full proxy retries.
    connect: (host, port) =>
      o.dialer.connect(host, port).catch((e: NodeJS.ErrnoException) => {
        o.dialer.failed?.(e);
        throw e;
      }),
  });
  const UNSAFE = /[\r\n\0]/;
  function relayPlan(req: RelayRequest): RelayPlan {
    const r = route(req as unknown as IncomingMessage);
    if ('status' in r || r.backendTls || r.mirrors?.length || r.responseHeaders) return { route: r };
    const t = o.dialer.target(r.backend, r.backend.endpoints[spread(r.backend)]);
    if (!(o.dialer.reusable?.(t.ip, t.port) ?? true)) return { route: r };
    const headers = upstreamRequestHeaders(req as unknown as IncomingMessage, {
      keepUpgrade: false,
      edit: r.requestHeaders,
      upstreamHost: r.upstreamHost,
      defaultHost: hostOf(t),
    });
    let head = `${req.method} ${r.upstreamPath ?? req.url} HTTP/1.1\r\n`;
    for (let i = 0; i < headers.length; i += 2) {
      // A route's header edit may carry what node's request() refuses: the full proxy words that.
      if (UNSAFE.test(headers[i]) || UNSAFE.test(headers[i + 1])) return { route: r };
      head += `${headers[i]}: ${headers[i + 1]}\r\n`;
    }
    return { route: r, target: t, head: `${head}\r\n` };
  }
  const fastLane = (socket: Socket, serve: (s: Socket) => void) =>
    relay.take(socket, (s, plan) => {
      if (plan) handedOver.set(s, plan.route as Routed);
      serve(s);
    });

  function onRequest(req: IncomingMessage, res: ServerResponse) {
    const r = handedOver.get(req.socket) ?? route(req);
    handedOver.delete(req.socket);
    if ('status' in r) {
      req.resume();
      return plain(res, r.status, r.body, r.location);
    }
    forward(req, res, r);
  }

  const servers: Server[] = [];
  function attach(server: Server) {
    servers.push(server);
    server.on('request', onRequest);
    server.on('upgrade', upgrade);
    server.on('clientError', (_e, s: Socket) => {
      if (s.writable) s.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else s.destroy();
    });
  }
  const grpc = createGrpcProxy({
    dialer: o.dialer,
    log: (line) => o.log(line),
    route: (host, headers, localPort, secure) => {
      if (isReservedHost(host))
        return { status: 421, body: `${host} belongs to the Skiff app: the ingress never serves skiff-*.localhost host names.` };
      // The router reads what an HTTP/1 request carries: url, method, headers and the local port.
      const req = { url: headers[':path'], method: headers[':method'], headers, socket: { localPort } } as unknown as IncomingMessage;
      const pre = o.preRoute?.(req, host, secure, true);
      if (pre) return pre;
      // Then the Ingress rules whose backend-protocol is GRPC or GRPCS (ingress-nginx's way).
      const m = matchRoute(o.table(), host, String(headers[':path'] ?? '/'));
      if (!m?.grpc) return undefined;
      if (m.backend.problem) return { status: 503, body: `${m.backend.problem} (Ingress ${m.ingress}).` };
      if (!m.backend.endpoints.length)
        return { status: 503, body: `Service ${m.backend.id} has no ready endpoints (Ingress ${m.ingress}): no pod behind it is Ready.` };
      return m;
    },
  });
  const server = createServer();
  attach(server);
  sniffHttp2(server, grpc.server, fastLane);
  return {
    server,
    attach,
    attachTls(tls) {
      attach(tls);
      alpnHttp2(tls, grpc.server, fastLane);
    },
    attachPlain(plain) {
      attach(plain);
      sniffHttp2(plain, grpc.server, fastLane);
    },
    retain(live) {
      relay.retain(live);
      const names = new Set(live.map((e) => agent.getName({ host: e.ip, port: e.port })));
      for (const [name, idle] of Object.entries(agent.freeSockets)) if (!names.has(name)) for (const socket of idle ?? []) socket.destroy();
    },
    close() {
      for (const s of servers) {
        s.close();
        s.closeAllConnections();
      }
      grpc.close();
      relay.close();
      agent.destroy();
      oneShot.destroy();
      tlsAgent.destroy();
    },
  };
}
