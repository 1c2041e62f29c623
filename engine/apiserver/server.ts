// The Kubernetes API server: HTTPS on loopback, authentication, routing, and bootstrap.
import { createServer, type Server } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../store/types';
import { parseRoute, type KindLookup, type Route } from './routes';
import { errors } from './status';
import { authenticate, type TokenTable } from './authn/authn';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, groupVersions } from './discovery/discovery';
import { appendWarnings, handleResource } from './handlers';
import { createApiCore, type ApiCore } from './api-core';
import { bootstrapCluster } from './bootstrap';
import { versionInfo } from './discovery/version';
import { handlePodUpgrade } from './streaming/pod-upgrade';
import { handleProxyUpgrade } from './subresources/subresources-proxy-upgrade';
import { createMetricsApi, isMetricsRoute, METRICS_GROUP, METRICS_VERSION, metricsResourceList, withMetricsGroup } from './metrics-api';
import { onClientError, rawStatusReply, replyError, requestLine, toApiError } from './error-replies';
import { createInflightLimit, isLongRunning } from './inflight-limit';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  discoveryEtag,
  negotiateAggregated,
  type AggregatedVersion,
  type ExtraGroup,
} from './discovery/discovery-aggregated';
import { createInProcessClient } from './in-process-client';
import { sendOidc } from './authn/oidc-discovery';
import { parseBool } from '../apimachinery/parse-bool';
import type { PodSecurityConfig } from './admission/pod-security/config';
import type { AuditRecord, Auditor } from './audit/auditor';
import type { UserInfo } from '../apimachinery/user-info';
import { CLUSTER_INFO } from '../pki/bootstrap-token';

export interface ApiServerOptions {
  store: Store;
  host?: string;
  /** More addresses to listen on, at the same port (an advertised address for joining nodes). */
  extraHosts?: string[];
  port: number;
  tls: { cert: string; key: string; clientCA: string };
  tokens?: TokenTable;
  serviceCIDR?: string;
  /** ES256 key (PKCS#8 PEM) that signs service-account tokens (keep it across restarts so issued tokens stay valid). */
  serviceAccountKey?: string;
  /** Earlier signing keys' public halves (key rotation): tokens they signed verify until they expire. */
  serviceAccountVerifyKeys?: string[];
  /** RBAC authorization of HTTP requests (default true; false allows every authenticated request). */
  rbac?: boolean;
  /** Pod Security admission (default baseline, kube-system exempt; false = off). */
  podSecurity?: PodSecurityConfig | false;
  log?: (line: string) => void;
  /** Requests one client may have in flight, long-running ones aside (default 400). */
  maxRequestsInflight?: number;
  /** A client that has not finished its TLS handshake by then is dropped (default 10 s, as kube-apiserver). */
  tlsHandshakeTimeoutMs?: number;
  /** Times each phase of the start (SKIFF_TRACE=start); absent: nothing is timed. */
  trace?: <T>(phase: string, work: () => Promise<T>) => Promise<T>;
  /** The audit log (audit/auditor.ts); none by default. */
  auditor?: Auditor;
}

export interface ApiServer {
  port: number;
  url: string;
  core: ApiCore;
  /** Replaces the audit log's auditor (undefined: none); benchmarks compare both on one server. */
  setAuditor(a: Auditor | undefined): void;
  close(): Promise<void>;
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  const span = opts.trace ?? (<T>(_phase: string, work: () => Promise<T>) => work());
  const core = await span('core', () =>
    Promise.resolve().then(() =>
      createApiCore({
        store: opts.store,
        serviceCIDR: opts.serviceCIDR ?? '10.96.0.0/12',
        log: opts.log,
        serviceAccountKey: opts.serviceAccountKey,
        serviceAccountVerifyKeys: opts.serviceAccountVerifyKeys,
        caCert: opts.tls.clientCA,
        rbac: opts.rbac,
        podSecurity: opts.podSecurity,
      }),
    ),
  );
  const tokens = opts.tokens ?? {};
  const metricsApi = createMetricsApi({ source: () => core.metrics.source?.(), client: createInProcessClient(core) });
  let address = `${host}:${opts.port}`;
  const inflight = createInflightLimit(opts.maxRequestsInflight);
  let auditor = opts.auditor;

  const server: Server = createServer(
    {
      cert: opts.tls.cert,
      key: opts.tls.key,
      ca: opts.tls.clientCA,
      requestCert: true,
      rejectUnauthorized: false,
      keepAlive: true,
      handshakeTimeout: opts.tlsHandshakeTimeoutMs ?? 10_000,
    },
    (req, res) => {
      // Nothing a request carries may take the process down: every error becomes a Status.
      req.on('error', () => {});
      res.on('error', () => {});
      try {
        serve(req, res).catch((err) => replyError(req, res, err, log));
      } catch (err) {
        replyError(req, res, err, log);
      }
    },
  );
  server.on('clientError', onClientError);
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.requestTimeout = 0; // watches and log streams live long

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const url = requestUrl(req);
    // Certificates and static tokens answer at once: no extra turn for them.
    const known = authenticate(req, tokens, core.authenticateToken);
    const user = (known instanceof Promise ? await known : known) ?? anonymousFor(req, url.pathname);
    const audit = auditor?.request(req, res, url, user);
    if (!user) {
      // Reading nothing of an unauthenticated body; answer and drop.
      req.resume();
      throw errors.unauthorized();
    }
    // RBAC (authz/): from here on the request acts as `actor` (impersonation applied).
    const decision = core.authorization.authorizeRequest(req, url, user);
    const actor = audit ? await audited(audit, decision) : decision instanceof Promise ? await decision : decision;
    const route = routeOf(url.pathname, core.kinds);
    if (!route) throw errors.notFoundPath();
    if (!isLongRunning(url.pathname, url.searchParams, route.type === 'resource' ? route.subresource : undefined)) {
      // A response always ends with 'close' (after 'finish', or when its connection drops).
      res.on('close', inflight.acquire(user.user));
    }
    const q = url.searchParams;
    // pretty=true indents JSON replies; like upstream, a value that is not a boolean is ignored.
    const pretty = parseBool(q.get('pretty') ?? '') === true;
    if (isMetricsRoute(route)) {
      const reply = await metricsApi.serve(route, url.searchParams, req.method);
      return sendJson(res, pretty, reply.status, reply.body);
    }
    switch (route.type) {
      case 'health':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
        res.end('ok');
        return;
      case 'version':
        return sendJson(res, pretty, 200, versionInfo());
      case 'oidc-config':
      case 'oidc-jwks':
        return sendOidc(res, route.type, core.serviceAccountTokens, `https://${address}`);
      case 'root':
        return sendJson(res, pretty, 200, {
          paths: [
            '/.well-known/openid-configuration',
            '/api',
            '/api/v1',
            '/apis',
            '/healthz',
            '/livez',
            '/openapi/v3',
            '/openid/v1/jwks',
            '/readyz',
            '/version',
          ],
        });
      case 'api':
      case 'apis': {
        // Discovery differs by Accept (aggregated or legacy): caches must key on it.
        res.setHeader('Vary', 'Accept');
        const aggregated = negotiateAggregated(req.headers.accept);
        if (aggregated)
          return sendAggregated(req, res, aggregatedDiscovery(core.kinds, route.type, aggregated, [metricsDiscovery]), aggregated, pretty);
        return sendJson(res, pretty, 200, route.type === 'api' ? apiVersions(address) : withMetricsGroup(apiGroupList(core.kinds)));
      }
      case 'group': {
        const versions = groupVersions(core.kinds).get(route.group);
        if (!versions) throw errors.notFoundPath();
        return sendJson(res, pretty, 200, apiGroup(route.group, versions));
      }
      case 'group-version': {
        const list = apiResourceList(core.kinds, route.group, route.version);
        if (!list.resources.length) throw errors.notFoundPath();
        return sendJson(res, pretty, 200, list);
      }
      case 'openapi-v2': {
        const reply = core.openapiV2.reply(req.headers.accept, req.headers['if-none-match']);
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
        return;
      }
      case 'openapi-v3': {
        if (!route.docPath) return sendJson(res, pretty, 200, core.openapi.index());
        const text = core.openapi.documentText(route.docPath);
        if (text === undefined) throw errors.notFoundPath();
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(text),
          // Kept for good only under the hash the index names now (an old one may name older content).
          'Cache-Control': q.get('hash') === core.openapi.hash(route.docPath) ? 'public, immutable' : 'no-cache, private',
        });
        res.end(text);
        return;
      }
      case 'resource': {
        const reply = await handleResource(core.deps, route, req, res, q, actor);
        if (!reply) return; // streamed
        if (reply.warnings?.length) appendWarnings(res, reply.warnings);
        return reply.text !== undefined
          ? sendJsonText(res, pretty, reply.status, reply.text)
          : sendJson(res, pretty, reply.status, reply.body);
      }
    }
  }

  // exec, attach and port-forward arrive as upgrades (WebSocket, or SPDY for older kubectl), and
  // so do WebSocket apps reached through pods/proxy and services/proxy.
  server.on('upgrade', (req: IncomingMessage, socket: import('node:net').Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (err: unknown) => {
      const apiErr = toApiError(err);
      if (apiErr.code >= 500) log(`apiserver: internal error on upgrade ${requestLine(req)}: ${(err as Error)?.stack ?? err}`);
      if (!socket.destroyed) socket.end(rawStatusReply(apiErr));
    };
    let audit: ReturnType<Auditor['upgrade']>;
    try {
      const url = requestUrl(req);
      Promise.resolve(authenticate(req, tokens, core.authenticateToken))
        .then((user) => {
          audit = auditor?.upgrade(req, socket, url, user);
          if (!user) throw errors.unauthorized();
          const decision = core.authorization.authorizeRequest(req, url, user);
          return audit ? audited(audit, decision) : decision;
        })
        .then((actor) => {
          const route = routeOf(url.pathname, core.kinds);
          if (!route || route.type !== 'resource' || !route.subresource) return refuse(errors.notFoundPath());
          // The handler's first bytes say what happened: 101 (upgraded) or an error Status.
          const a = audit;
          if (a) {
            const origWrite = socket.write.bind(socket) as (...args: unknown[]) => boolean;
            socket.write = (chunk: unknown, ...rest: unknown[]) => {
              const head = Buffer.isBuffer(chunk) ? chunk.subarray(0, 16).toString('latin1') : String(chunk).slice(0, 16);
              const code = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
              if (code === 101) a.upgraded();
              else if (code) a.refused(code);
              socket.write = origWrite;
              return origWrite(chunk, ...rest);
            };
          }
          if (route.subresource === 'proxy') return handleProxyUpgrade(core, route, req, socket, head, actor);
          return handlePodUpgrade(core, route, url.searchParams, req, socket, head, actor);
        })
        .catch((err) => {
          const apiErr = toApiError(err);
          audit?.refused(apiErr.code, apiErr.toStatus());
          refuse(err);
        });
    } catch (err) {
      refuse(err);
    }
  });

  // Every accepted socket, from the first one (a client may connect, and start a watch, while
  // the cluster is still bootstrapping) and before its TLS handshake ends: close() must drop
  // them all, or server.close() waits for a watch that never ends.
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s: import('node:net').Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await span(
    'listen',
    () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port, host, () => {
          server.off('error', reject);
          resolve();
        });
      }),
  );
  const port = (server.address() as { port: number }).port;
  address = `${host}:${port}`;
  // The same server on every other address: each accepted socket is handed to it.
  const extra: import('node:net').Server[] = [];
  try {
    for (const h of opts.extraHosts ?? []) {
      const l = createNetServer((s) => server.emit('connection', s));
      extra.push(l);
      await new Promise<void>((resolve, reject) => {
        l.once('error', reject);
        l.listen(port, h, () => {
          l.off('error', reject);
          resolve();
        });
      });
    }
  } catch (err) {
    for (const l of extra) l.close();
    server.close();
    throw err;
  }
  await span('bootstrap', () => bootstrapCluster(core, { apiServerPort: port }));
  await span('crds', () => core.crds.start());
  await span('policy status', () => core.policyStatus.start());
  await span('api services', () => core.apiServices.start());
  log(`apiserver: serving on https://${address}`);
  return {
    port,
    url: `https://${address}`,
    core,
    setAuditor: (a) => {
      auditor = a;
    },
    close: () =>
      new Promise<void>((resolve) => {
        core.stop();
        for (const l of extra) l.close();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** The authorization decision recorded on the audit record, then passed on as it was. */
async function audited(audit: AuditRecord, decision: UserInfo | Promise<UserInfo>): Promise<UserInfo> {
  try {
    const actor = await decision;
    audit.decided(true);
    audit.actingAs(actor);
    return actor;
  } catch (err) {
    if (toApiError(err).code === 403) audit.decided(false);
    throw err;
  }
}

/**
 * Anonymous requests are allowed only where a machine must read before it holds any credential:
 * the cluster-info ConfigMap a joining node discovers the cluster from (RBAC then decides, as
 * kubeadm's Role for system:anonymous does; upstream's anonymous-auth endpoint conditions).
 */
function anonymousFor(req: IncomingMessage, pathname: string): UserInfo | undefined {
  if (req.headers.authorization || req.method !== 'GET') return undefined;
  if (pathname !== `/api/v1/namespaces/${CLUSTER_INFO.namespace}/configmaps/${CLUSTER_INFO.name}`) return undefined;
  return { user: 'system:anonymous', groups: ['system:unauthenticated'] };
}

/** Path and query as sent: no URL normalization (`//host/x` is not `/x`, dot segments stay). */
function requestUrl(req: IncomingMessage): { pathname: string; searchParams: URLSearchParams } {
  const raw = req.url ?? '/';
  if (!raw.startsWith('/')) throw errors.badRequest(`the request path must be absolute: ${JSON.stringify(raw.slice(0, 200))}`);
  const at = raw.indexOf('?');
  return at < 0
    ? { pathname: raw, searchParams: new URLSearchParams() }
    : { pathname: raw.slice(0, at), searchParams: new URLSearchParams(raw.slice(at + 1)) };
}

/** The route a path addresses; a malformed percent-escape is the client's error, not ours. */
function routeOf(pathname: string, kinds: KindLookup): Route | undefined {
  try {
    return parseRoute(pathname, kinds);
  } catch (e) {
    if (e instanceof URIError) throw errors.badRequest(`invalid URL escape in path ${JSON.stringify(pathname.slice(0, 200))}`);
    throw e;
  }
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

function sendJson(res: ServerResponse, pretty: boolean, status: number, body: unknown) {
  sendText(res, status, pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body));
}

function sendJsonText(res: ServerResponse, pretty: boolean, status: number, text: string) {
  sendText(res, status, pretty ? JSON.stringify(JSON.parse(text), null, 2) : text);
}

function sendText(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
