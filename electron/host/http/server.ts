// The host's one HTTP server on 127.0.0.1: the launch URL hands out the session cookie and
// POST /api/session trades its token for the session secret; every other request and upgrade
// passes the session checks (the secret too, for /api/, /k8s/ and upgrades) before reaching
// the JSON API, the kube proxy or the renderer build (everything else).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { LAUNCH_ROUTE_PARAM, LAUNCH_TOKEN_PARAM } from '../protocol';
import type { Session } from './session';
import { createStaticFiles } from './static-files';
import { HostHttpError, readJsonBody, sendHostError, sendJson, sendText } from './http-util';
import { withoutSessionProtocol } from './session';

export interface RequestHandler {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** WebSocket upgrades under its prefix (the API's local terminals). */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close?(): void;
}

export interface UpgradeHandler extends RequestHandler {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface HostServerOptions {
  /** 0 (default): a free port. */
  port?: number;
  staticDir: string;
  session: Session;
  /** /api/* */
  api: RequestHandler;
  /** /k8s/* (HTTP and upgrades) */
  kubeProxy?: UpgradeHandler;
  log?: (line: string) => void;
  /** Sees every request first (app-main.ts loads its API once the page's first files were served). */
  observe?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface HostServer {
  port: number;
  /** http://127.0.0.1:<port> (the origin, no trailing slash: `${url}/api/app` works) */
  url: string;
  /** The URL with the one-time token; open it once to get the session. */
  launchUrl: string;
  /** The launch URL that opens the app at an app route (launch-route.ts), or launchUrl without one. */
  launchUrlFor(route?: string): string;
  /**
   * The same on this launch's own host name (http://skiff-<random>.localhost:<port>), for a
   * browser: its cookie then reaches no other loopback page (session.ts). The Electron window
   * keeps 127.0.0.1 (its cookie jar is its own).
   */
  browserLaunchUrlFor(route?: string): string;
  close(): Promise<void>;
}

export async function startHostServer(opts: HostServerOptions): Promise<HostServer> {
  const log = opts.log ?? (() => {});
  const files = createStaticFiles(opts.staticDir);
  const { session } = opts;
  let port = 0;

  // JSON for the API (HostError) and the kube proxy (a Kubernetes Status); text for pages.
  const refuse = (res: ServerResponse, r: { status: number; message: string }, path = '') => {
    if (path.startsWith('/k8s/')) return sendJson(res, r.status, refusalStatus(r));
    if (path.startsWith('/api/')) return sendJson(res, r.status, { error: r.message, hint: REFUSAL_HINT });
    sendText(res, r.status, r.message);
  };

  async function exchange(req: IncomingMessage, res: ServerResponse) {
    try {
      if (req.method !== 'POST') throw new HostHttpError(405, 'POST /api/session only');
      const body = (await readJsonBody(req)) as { token?: unknown } | undefined;
      const r = session.exchange(req, body?.token, { port });
      if ('status' in r) return refuse(res, r, '/api/');
      sendJson(res, 200, r);
    } catch (err) {
      sendHostError(res, err);
    }
  }

  function onRequest(req: IncomingMessage, res: ServerResponse) {
    opts.observe?.(req, res);
    const path = (req.url ?? '/').split('?')[0];
    if ((req.method === 'GET' || req.method === 'HEAD') && session.isLaunchRequest(req)) {
      const r = session.launch(req, { port });
      if ('status' in r) return refuse(res, r);
      if (r.viaPage) {
        // A navigation from this page is same-origin: the cookie goes along, the page loads.
        const to = r.location.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
        const html = `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${to}"><title>Skiff</title>Opening Skiff…`;
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': "default-src 'none'",
          'Cache-Control': 'no-store',
          'Referrer-Policy': 'no-referrer',
          'X-Content-Type-Options': 'nosniff',
          ...(r.setCookie ? { 'Set-Cookie': r.setCookie } : {}),
        });
        return void res.end(req.method === 'HEAD' ? undefined : html);
      }
      res.writeHead(302, {
        Location: r.location,
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
        ...(r.setCookie ? { 'Set-Cookie': r.setCookie } : {}),
      });
      return void res.end();
    }
    if (path === '/api/session') return void exchange(req, res);
    const isApi = path === '/api' || path.startsWith('/api/') || path === '/k8s' || path.startsWith('/k8s/');
    const refused = isApi ? session.checkApi(req, { port }) : session.checkRequest(req, { port });
    if (refused) {
      req.resume();
      return refuse(res, refused, path);
    }
    if (path === '/api' || path.startsWith('/api/')) return opts.api.handle(req, res);
    if (path === '/k8s' || path.startsWith('/k8s/')) {
      if (!opts.kubeProxy) return sendText(res, 404, 'no kube proxy in this host');
      return opts.kubeProxy.handle(req, res);
    }
    files.serve(req, res, session.hosts(port));
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy());
    const refused = session.checkApi(req, { port });
    const path = (req.url ?? '/').split('?')[0];
    if (refused)
      return void socket.end(rawResponse(refused.status, refused.status === 401 ? 'Unauthorized' : 'Forbidden', refused.message));
    if (opts.kubeProxy && path.startsWith('/k8s/')) {
      // The cluster chooses among the renderer's own protocols; our secret never leaves the host.
      const rest = withoutSessionProtocol(req.headers['sec-websocket-protocol']);
      if (rest === undefined) delete req.headers['sec-websocket-protocol'];
      else req.headers['sec-websocket-protocol'] = rest;
      return opts.kubeProxy.upgrade(req, socket, head);
    }
    if (opts.api.upgrade && path.startsWith('/api/')) return opts.api.upgrade(req, socket, head);
    socket.end(rawResponse(404, 'Not Found', `no WebSocket endpoint at ${path}`));
  }

  const server = createServer(onRequest);
  server.on('upgrade', onUpgrade);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end(rawResponse(400, 'Bad Request', 'malformed HTTP request'));
    else socket.destroy();
  });
  // SSE streams, watches and logs live long.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  log(`host: serving ${opts.staticDir} at ${url}`);

  let closing: Promise<void> | undefined;
  const launchAt = (origin: string, route?: string) =>
    `${origin}/?${LAUNCH_TOKEN_PARAM}=${encodeURIComponent(session.launchToken)}` +
    (route ? `&${LAUNCH_ROUTE_PARAM}=${encodeURIComponent(route)}` : '');
  const launchUrl = launchAt(url);
  return {
    port,
    url,
    launchUrl,
    launchUrlFor: (route) => launchAt(url, route),
    browserLaunchUrlFor: (route) => launchAt(`http://${session.launchHost}:${port}`, route),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        opts.api.close?.();
        opts.kubeProxy?.close?.();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

const REFUSAL_HINT = 'reload this Skiff window; if that does not help, open Skiff again from the link it printed';

function refusalStatus(r: { status: number; message: string }) {
  const reason = r.status === 401 ? 'Unauthorized' : 'Forbidden';
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: r.message, reason, code: r.status };
}

function rawResponse(status: number, reason: string, message: string): string {
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${message}`;
}
