// The Kubernetes API server: HTTPS on loopback, authentication, routing, and bootstrap.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../store/types';
import { parseRoute } from './routes';
import { errors, ApiError } from './status';
import { authenticate, type TokenTable } from './authn';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, groupVersions } from './discovery';
import { handleResource, warningHeader } from './handlers';
import { createApiCore, type ApiCore } from './api-core';
import { bootstrapCluster } from './bootstrap';
import { versionInfo } from './version';
import { handlePodUpgrade } from './pod-upgrade';
import { PatchError } from './patch';
import { SelectorError } from '../apimachinery/selectors';
import { createMetricsApi, isMetricsRoute, METRICS_GROUP, METRICS_VERSION, metricsResourceList, withMetricsGroup } from './metrics-api';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  discoveryEtag,
  negotiateAggregated,
  type AggregatedVersion,
  type ExtraGroup,
} from './discovery-aggregated';
import { createInProcessClient } from './in-process-client';
import { parseBool } from '../apimachinery/parse-bool';

export interface ApiServerOptions {
  store: Store;
  host?: string;
  port: number;
  tls: { cert: string; key: string; clientCA: string };
  tokens?: TokenTable;
  serviceCIDR?: string;
  /** Signs service-account tokens (keep it across restarts so issued tokens stay valid). */
  serviceAccountKey?: Buffer;
  /** RBAC authorization of HTTP requests (default true; false allows every authenticated request). */
  rbac?: boolean;
  log?: (line: string) => void;
  /**
   * Background loops the composer runs beside this server's core (the garbage collector and
   * namespace lifecycle); the server starts them after bootstrap and stops them on close.
   */
  background?: (core: ApiCore) => BackgroundLoop;
}

export interface BackgroundLoop {
  start(): Promise<void>;
  stop(): void;
}

export interface ApiServer {
  port: number;
  url: string;
  core: ApiCore;
  close(): Promise<void>;
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  const core = createApiCore({
    store: opts.store,
    serviceCIDR: opts.serviceCIDR ?? '10.96.0.0/12',
    log: opts.log,
    serviceAccountKey: opts.serviceAccountKey,
    caCert: opts.tls.clientCA,
    rbac: opts.rbac,
  });
  const tokens = opts.tokens ?? {};
  const metricsApi = createMetricsApi({ source: () => core.metrics.source?.(), client: createInProcessClient(core) });
  let address = `${host}:${opts.port}`;

  const server: Server = createServer(
    { cert: opts.tls.cert, key: opts.tls.key, ca: opts.tls.clientCA, requestCert: true, rejectUnauthorized: false, keepAlive: true },
    (req, res) => {
      serve(req, res).catch((err) => fail(res, err));
    },
  );
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.requestTimeout = 0; // watches and log streams live long

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const user = authenticate(req, tokens, core.serviceAccountTokens.verify);
    if (!user) {
      // Reading nothing of an unauthenticated body; answer and drop.
      req.resume();
      throw errors.unauthorized();
    }
    // RBAC (authz/): from here on the request acts as `actor` (impersonation applied).
    const actor = await core.authorization.authorizeRequest(req, url, user);
    const route = parseRoute(url.pathname, core.kinds);
    if (!route) throw errors.notFoundPath();
    const q = url.searchParams;
    // pretty=true indents JSON replies; like upstream, a value that is not a boolean is ignored.
    const pretty = parseBool(q.get('pretty') ?? '') === true;
    const json = (r: ServerResponse, status: number, body: unknown) => sendJson(r, status, body, pretty);
    const jsonText = (r: ServerResponse, status: number, text: string) =>
      sendText(r, status, pretty ? JSON.stringify(JSON.parse(text), null, 2) : text);
    if (isMetricsRoute(route)) {
      const reply = await metricsApi.serve(route, url.searchParams, req.method);
      return json(res, reply.status, reply.body);
    }
    switch (route.type) {
      case 'health':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
        res.end('ok');
        return;
      case 'version':
        return json(res, 200, versionInfo());
      case 'root':
        return json(res, 200, { paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/openapi/v3', '/readyz', '/version'] });
      case 'api':
      case 'apis': {
        // Discovery differs by Accept (aggregated or legacy): caches must key on it.
        res.setHeader('Vary', 'Accept');
        const aggregated = negotiateAggregated(req.headers.accept);
        if (aggregated)
          return sendAggregated(req, res, aggregatedDiscovery(core.kinds, route.type, aggregated, [metricsDiscovery]), aggregated, pretty);
        return json(res, 200, route.type === 'api' ? apiVersions(address) : withMetricsGroup(apiGroupList(core.kinds)));
      }
      case 'group': {
        const versions = groupVersions(core.kinds).get(route.group);
        if (!versions) throw errors.notFoundPath();
        return json(res, 200, apiGroup(route.group, versions));
      }
      case 'group-version': {
        const list = apiResourceList(core.kinds, route.group, route.version);
        if (!list.resources.length) throw errors.notFoundPath();
        return json(res, 200, list);
      }
      case 'openapi-v2': {
        const reply = core.openapiV2.reply(req.headers.accept, req.headers['if-none-match']);
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
        return;
      }
      case 'openapi-v3': {
        if (!route.docPath) return json(res, 200, core.openapi.index());
        const text = core.openapi.documentText(route.docPath);
        if (text === undefined) throw errors.notFoundPath();
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(text),
          'Cache-Control': q.get('hash') ? 'public, immutable' : 'no-cache, private',
        });
        res.end(text);
        return;
      }
      case 'resource': {
        const reply = await core.authorization.runAs(actor, route.group, () => handleResource(core.deps, route, req, res, q, actor));
        if (!reply) return; // streamed
        if (reply.warnings?.length) {
          const prior = res.getHeader('Warning');
          const kept = prior === undefined ? [] : Array.isArray(prior) ? prior : [String(prior)];
          res.setHeader('Warning', [...kept, ...warningHeader(reply.warnings)]);
        }
        return reply.text !== undefined ? jsonText(res, reply.status, reply.text) : json(res, reply.status, reply.body);
      }
    }
  }

  function fail(res: ServerResponse, err: unknown) {
    const apiErr = toApiError(err);
    if (apiErr.code >= 500) log(`apiserver: internal error: ${(err as Error)?.stack ?? err}`);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (apiErr.code === 429 && apiErr.details?.retryAfterSeconds) res.setHeader('Retry-After', String(apiErr.details.retryAfterSeconds));
    json(res, apiErr.code, apiErr.toStatus());
  }

  // exec, attach and port-forward arrive as upgrades (WebSocket, or SPDY for older kubectl).
  server.on('upgrade', (req: IncomingMessage, socket: import('node:net').Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const refuse = (err: ApiError) => {
      const body = JSON.stringify(err.toStatus());
      socket.end(
        `HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    const user = authenticate(req, tokens, core.serviceAccountTokens.verify);
    if (!user) return refuse(errors.unauthorized());
    core.authorization
      .authorizeRequest(req, url, user)
      .then(() => {
        const route = parseRoute(url.pathname, core.kinds);
        if (!route || route.type !== 'resource' || !route.subresource) return refuse(errors.notFoundPath());
        return handlePodUpgrade(core, route, url.searchParams, req, socket, head);
      })
      .catch((err) => {
        if (!socket.destroyed) refuse(toApiError(err));
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  address = `${host}:${port}`;
  await bootstrapCluster(core, { apiServerPort: port });
  await core.crds.start();
  await core.apiServices.start();
  const background = opts.background?.(core);
  await background?.start();
  const sockets = new Set<import('node:net').Socket>();
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  log(`apiserver: serving on https://${address}`);
  return {
    port,
    url: `https://${address}`,
    core,
    close: () =>
      new Promise<void>((resolve) => {
        background?.stop();
        core.stop();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Library errors carry their own HTTP meaning; anything else is a 500. */
function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof PatchError) {
    // Bad patches are the client's fault even where upstream answers 500.
    const code = err.code >= 500 ? 400 : err.code;
    return new ApiError(
      code,
      err.reason || 'BadRequest',
      err.statusMessage,
      err.code === 422 ? { causes: [{ message: err.message }] } : undefined,
    );
  }
  if (err instanceof SelectorError) return errors.badRequest(err.message);
  return errors.internal((err as Error)?.message ?? String(err));
}

function json(res: ServerResponse, status: number, body: unknown) {
  sendJson(res, status, body, false);
}

const metricsDiscovery: ExtraGroup = {
  name: METRICS_GROUP,
  versions: [{ version: METRICS_VERSION, resources: metricsResourceList.resources }],
};

function sendAggregated(req: IncomingMessage, res: ServerResponse, doc: object, v: AggregatedVersion, pretty: boolean) {
  const text = pretty ? JSON.stringify(doc, null, 2) : JSON.stringify(doc);
  const etag = discoveryEtag(text);
  res.setHeader('ETag', etag);
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304);
    res.end();
    return;
  }
  res.writeHead(200, { 'Content-Type': aggregatedContentType(v), 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, body: unknown, pretty: boolean) {
  sendText(res, status, pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
