// ingress-nginx annotations the built-in controller honours, end to end through the proxy:
// rewrite-target (with regex groups, as ingress-nginx replaces the whole URI) and
// backend-protocol HTTPS (TLS to the pod, its certificate not verified).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateLocalhostCa } from '../../pki/localhost-ca';
import type { KubeObject } from '../../kinds/types';
import { createIngressProxy, type IngressProxy } from './ingress-proxy';
import { createBackendDialer } from './backend-dialer';
import { buildRouteTable, matchRoute, rewriteTarget, type RouteTable } from './route-table';

let dir = '';
let backend: Server;
let proxy: IngressProxy;
let port = 0;
let table: RouteTable;

const ing = (name: string, annotations: Record<string, string>, path: string, host = 'app.localhost'): KubeObject => ({
  metadata: { namespace: 'default', name, annotations, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: {
    rules: [
      {
        host,
        http: { paths: [{ path, pathType: 'ImplementationSpecific', backend: { service: { name: 'app', port: { number: 443 } } } }] },
      },
    ],
  },
});

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-nginx-ann-'));
  const leaf = await (await loadOrCreateLocalhostCa(dir)).issue('app.localhost');
  backend = createHttpsServer({ cert: leaf.cert, key: leaf.key }, (req, res) => res.end(`tls ${req.url}`));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  const bport = (backend.address() as AddressInfo).port;
  const built = buildRouteTable({
    ingresses: [
      ing(
        'rw',
        { 'nginx.ingress.kubernetes.io/rewrite-target': '/$2', 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS' },
        '/something(/|$)(.*)',
      ),
      ing('root', { 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS' }, '/', 'root.localhost'),
    ],
    services: [{ metadata: { namespace: 'default', name: 'app' }, spec: { clusterIP: '10.0.0.9', ports: [{ port: 443 }] } }],
    routes: [{ id: 'default/app', ip: '10.0.0.9', ports: [{ port: 443, protocol: 'TCP', endpoints: [{ ip: '127.0.0.1', port: bport }] }] }],
  });
  assert.deepEqual(built.problems, []);
  table = built.table;
  proxy = createIngressProxy({ table: () => table, dialer: createBackendDialer({ mode: 'direct', log: () => {} }), log: () => {} });
  await new Promise<void>((r) => proxy.server.listen(0, '127.0.0.1', () => r()));
  port = (proxy.server.address() as AddressInfo).port;
});

after(() => {
  proxy.close();
  backend.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (host: string, path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });

test('rewrite-target with regex groups rewrites the upstream path; the pod is spoken to over TLS', async () => {
  assert.deepEqual(await get('app.localhost', '/something/new/page?x=1'), { status: 200, body: 'tls /new/page?x=1' });
  assert.deepEqual(await get('app.localhost', '/something'), { status: 200, body: 'tls /' });
  assert.deepEqual(await get('app.localhost', '/SOMETHING/a'), { status: 200, body: 'tls /a' }, 'case-insensitive, as ingress-nginx');
  assert.equal((await get('app.localhost', '/other')).status, 404);
  assert.deepEqual(await get('root.localhost', '/keep/path'), { status: 200, body: 'tls /keep/path' });
});

test('without groups rewrite-target replaces the whole path; use-regex alone does not rewrite', () => {
  const t = buildRouteTable({
    ingresses: [
      ing('plain', { 'nginx.ingress.kubernetes.io/rewrite-target': '/' }, '/foo'),
      ing('re', { 'nginx.ingress.kubernetes.io/use-regex': 'true' }, '/v[0-9]+/', 'b.localhost'),
    ],
    services: [],
    routes: [],
  }).table;
  const m = matchRoute(t, 'app.localhost', '/foo/bar')!;
  assert.equal(rewriteTarget(m, '/foo/bar?q'), '/?q');
  const r = matchRoute(t, 'b.localhost', '/v2/x')!;
  assert.ok(r);
  assert.equal(rewriteTarget(r, '/v2/x'), undefined);
  assert.equal(matchRoute(t, 'b.localhost', '/vx/'), undefined);
});
