// gRPC through the ingress: cleartext HTTP/2 (h2c, prior knowledge — what gRPC clients speak to
// a plaintext endpoint) on the HTTP listener, and HTTP/2 chosen by ALPN on the HTTPS listener. Each call is routed by :authority and :path (a
// GRPCRoute's method match), sent over one kept HTTP/2 session per pod endpoint, and its
// trailers (grpc-status) passed back. Failures the proxy answers itself are gRPC statuses in a
// trailers-only response, the way gRPC clients read them, with the same plain words as HTTP.
import {
  connect as h2connect,
  constants,
  createServer as createH2Server,
  type ClientHttp2Session,
  type Http2Server,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Endpoint } from '../table';
import type { BackendDialer, ProxyAnswer, ProxyRoute } from './ingress-proxy';
import { editHeaders } from './header-edits';

export interface GrpcProxyOptions {
  /** Routes a call (host already normalized); undefined: no route. */
  route: (
    host: string,
    headers: IncomingHttpHeaders,
    localPort: number | undefined,
    secure: boolean,
  ) => ProxyRoute | ProxyAnswer | undefined;
  dialer: BackendDialer;
  log(line: string): void;
}

export interface GrpcProxy {
  server: Http2Server;
  close(): void;
}

// HTTP answer → gRPC status code (grpc/doc/statuscodes.md): no route is UNIMPLEMENTED, no ready or
// reachable pod is UNAVAILABLE, a misconfigured route is INTERNAL.
const GRPC_CODE: Record<number, number> = { 404: 12, 421: 7, 502: 14, 503: 14, 500: 13 };
// Headers HTTP/2 forbids or that belong to one hop.
const DROP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'http2-settings']);

export function createGrpcProxy(o: GrpcProxyOptions): GrpcProxy {
  const sessions = new Map<string, Promise<ClientHttp2Session>>();
  const clients = new Set<ServerHttp2Session>();
  const next = new Map<string, number>();

  /** One session per endpoint and protocol; `tls`: TLS to the pod (backend-protocol GRPCS; not verified, as ingress-nginx). */
  function session(t: Endpoint, tls: boolean): Promise<ClientHttp2Session> {
    const k = `${tls ? 'https' : 'http'}://${t.ip}:${t.port}`;
    let s = sessions.get(k);
    if (!s) {
      s = o.dialer.connect(t.ip, t.port).then((socket: Socket) => {
        const wire = tls ? tlsConnect({ socket, ALPNProtocols: ['h2'], rejectUnauthorized: false }) : socket;
        const c = h2connect(k, { createConnection: () => wire });
        const forget = () => {
          if (sessions.get(k) === s) sessions.delete(k);
        };
        c.on('close', forget);
        c.on('error', forget);
        c.on('goaway', forget);
        return c;
      });
      sessions.set(k, s);
      s.catch(() => sessions.delete(k));
    }
    return s;
  }

  function answer(stream: ServerHttp2Stream, a: ProxyAnswer) {
    if (stream.headersSent || stream.destroyed) return void stream.destroy();
    stream.respond(
      {
        ':status': 200,
        'content-type': 'application/grpc',
        'grpc-status': String(GRPC_CODE[a.status] ?? 2),
        'grpc-message': grpcMessage(a.body),
        'x-skiff-ingress': 'error',
      },
      { endStream: true },
    );
  }

  function forward(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, r: ProxyRoute) {
    const eps = r.backend.endpoints;
    const i = next.get(r.backend.id) ?? 0;
    next.set(r.backend.id, i + 1);
    const target = o.dialer.target(r.backend, eps[i % eps.length]);
    const out: OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(headers)) if (!k.startsWith(':') && !DROP.has(k) && v !== undefined) out[k] = v;
    const edited = editHeaders(out as Record<string, string | string[]>, r.requestHeaders);
    session(target, !!r.backendTls).then(
      (s) => {
        if (stream.destroyed) return;
        const up = s.request({
          ...edited,
          ':method': headers[':method'] ?? 'POST',
          ':path': r.upstreamPath ?? headers[':path'] ?? '/',
          ':authority': r.upstreamHost ?? headers[':authority'] ?? target.ip,
          ':scheme': r.backendTls ? 'https' : 'http',
        });
        let trailers: IncomingHttpHeaders = {};
        up.on('response', (h, flags) => {
          const back: OutgoingHttpHeaders = {};
          for (const [k, v] of Object.entries(h))
            if (!DROP.has(k) && v !== undefined && (k === ':status' || !k.startsWith(':'))) back[k] = v;
          const edit = editHeaders(back as Record<string, string | string[]>, r.responseHeaders);
          if (flags & constants.NGHTTP2_FLAG_END_STREAM) return void stream.respond(edit, { endStream: true });
          stream.respond(edit, { waitForTrailers: true });
          up.pipe(stream);
        });
        up.on('trailers', (t: IncomingHttpHeaders) => {
          trailers = t;
        });
        stream.on('wantTrailers', () => {
          const t: OutgoingHttpHeaders = {};
          for (const [k, v] of Object.entries(trailers)) if (!k.startsWith(':') && v !== undefined) t[k] = v;
          stream.sendTrailers(t);
        });
        up.on('error', (e: Error) => (stream.headersSent ? stream.destroy() : answer(stream, unreachable(r, e))));
        stream.on('close', () => {
          if (!up.closed) up.close(constants.NGHTTP2_CANCEL);
        });
        stream.pipe(up);
      },
      (e: Error) => answer(stream, unreachable(r, e)),
    );
  }

  const server = createH2Server();
  server.on('session', (s) => {
    clients.add(s);
    s.on('close', () => clients.delete(s));
    s.on('error', () => s.destroy());
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => stream.destroy());
    const host = String(headers[':authority'] ?? '')
      .toLowerCase()
      .replace(/:\d+$/, '')
      .replace(/\.$/, '');
    const socket = stream.session?.socket;
    const r = o.route(host, headers, socket?.localPort, !!socket && 'encrypted' in socket && socket.encrypted);
    if (!r) {
      stream.resume();
      const body = `No GRPCRoute matches host "${host}" and method "${String(headers[':path'] ?? '')}", nor an Ingress rule with backend-protocol GRPC.`;
      return answer(stream, { status: 404, body });
    }
    if ('status' in r) {
      stream.resume();
      return answer(stream, r);
    }
    forward(stream, headers, r);
  });

  return {
    server,
    close() {
      for (const c of clients) c.destroy();
      for (const s of sessions.values()) s.then((c) => c.destroy()).catch(() => {});
      sessions.clear();
      server.close();
    },
  };
}

function unreachable(r: ProxyRoute, e: Error & { code?: string }): ProxyAnswer {
  return { status: 502, body: `cannot reach Service ${r.backend.id} (${r.ingress}): ${e.code ?? e.message}.` };
}

/** grpc-message's percent-encoding (PROTOCOL-HTTP2.md): only '%' and bytes outside printable ASCII. */
const grpcMessage = (text: string) => text.replace(/[^\x20-\x24\x26-\x7e]/gu, (c) => encodeURIComponent(c));
