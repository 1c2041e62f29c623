// The Gateway API controller with the ingress proxy over a real API core: CRDs installed, the
// `skiff` GatewayClass accepted, Gateway and HTTPRoute status as the conformance suite expects,
// and requests routed by host, path, header and weight (pod IPs mapped onto loopback backends).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createServer, request } from 'node:http';
import { eventually } from '../../apiserver/testing/test-cluster';
import { startGatewayHarness, type GatewayHarness } from './testing/gateway-harness';
import { R, type ResourceRef } from '../../client/types';
import type { KubeObject } from '../../kinds/types';
import { GATEWAY_RESOURCES } from './gateway-controller';
import { classControllerName, conditionsOf } from './gateway-types';

let h: GatewayHarness;
let t: GatewayHarness['t'];
let port = 0;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const G = GATEWAY_RESOURCES;
const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' };

before(async () => {
  h = await startGatewayHarness();
  t = h.t;
  port = h.port;
  for (const [ip, name] of [
    ['10.244.0.1', 'big'],
    ['10.244.0.2', 'small'],
    ['10.244.1.1', 'other'],
  ]) {
    await h.addPod(
      ip,
      createServer((req, res) => {
        res.setHeader('X-Pod', name);
        res.end(
          `${name} ${req.url} host=${req.headers.host} x-added=${String(req.headers['x-added'] ?? '')} x-gone=${String(req.headers['x-gone'] ?? '')}`,
        );
      }),
    );
  }
  await h.svc('default', 'big', '10.244.0.1');
  await h.svc('default', 'small', '10.244.0.2');
  await t.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  await h.svc('other', 'other', '10.244.1.1');
  await t.client.create(G.gateways, 'default', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw' },
    spec: {
      gatewayClassName: 'skiff',
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP' },
        { name: 'tcp', port: 9000, protocol: 'TCP' },
      ],
    },
  });
});

after(async () => {
  agent.destroy();
  await h.stop();
});

const httpRoute = (name: string, spec: Record<string, unknown>, ns = 'default'): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: ns },
  spec: { parentRefs: [{ name: 'gw', namespace: 'default' }], ...spec },
});

function get(host: string, path = '/', headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { Host: host, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const cond = (o: KubeObject | undefined, type: string) => conditionsOf(o).find((c) => c.type === type);
const parentConds = (r: KubeObject) =>
  ((r.status as { parents?: { conditions: { type: string; status: string; reason: string }[] }[] })?.parents ?? [])[0]?.conditions ?? [];

test('installs the standard-channel CRDs and accepts the skiff GatewayClass', async () => {
  const crd = await t.client.get(CRDS, undefined, 'httproutes.gateway.networking.k8s.io');
  assert.equal(crd.metadata.annotations?.['gateway.networking.k8s.io/bundle-version'], 'v1.2.1');
  for (const n of ['gatewayclasses', 'gateways', 'grpcroutes', 'referencegrants'])
    await t.client.get(CRDS, undefined, `${n}.gateway.networking.k8s.io`);
  const gc = await eventually(async () => {
    const c = await t.client.get(G.classes, undefined, 'skiff');
    return cond(c, 'Accepted')?.status === 'True' && c;
  }, 'GatewayClass Accepted');
  assert.equal(classControllerName(gc as KubeObject), 'skiff.dev/gateway-controller');
});

test('Gateway: Accepted, Programmed, address 127.0.0.1; an unsupported listener says so', async () => {
  const gw = await eventually(async () => {
    const g = await t.client.get(G.gateways, 'default', 'gw');
    return cond(g, 'Programmed')?.status === 'True' && g;
  }, 'Gateway Programmed');
  const st = (gw as KubeObject).status as {
    addresses: unknown;
    listeners: { name: string; conditions: { type: string; status: string; reason: string }[]; supportedKinds: unknown[] }[];
  };
  assert.equal(cond(gw as KubeObject, 'Accepted')?.status, 'True');
  assert.deepEqual(st.addresses, [{ type: 'IPAddress', value: '127.0.0.1' }]);
  const tcp = st.listeners.find((l) => l.name === 'tcp')!;
  assert.deepEqual(tcp.supportedKinds, []);
  assert.equal(tcp.conditions.find((c) => c.type === 'Accepted')?.reason, 'UnsupportedProtocol');
});

test('a 90/10 weighted HTTPRoute sends exactly 20 of 200 requests to the small backend (test/docker/gateway.test.ts: 1,000)', async () => {
  await t.client.create(
    G.httproutes,
    'default',
    httpRoute('split', {
      hostnames: ['split.localhost'],
      rules: [
        {
          backendRefs: [
            { name: 'big', port: 80, weight: 90 },
            { name: 'small', port: 80, weight: 10 },
          ],
        },
      ],
    }),
  );
  await eventually(async () => (await get('split.localhost')).status === 200, 'route served');
  let small = 0;
  for (let i = 0; i < 200; i++) if ((await get('split.localhost')).body.startsWith('small')) small++;
  assert.equal(small, 20, `small got ${small} of 200`);
  const gw = await t.client.get(G.gateways, 'default', 'gw');
  const http = (gw.status as { listeners: { name: string; attachedRoutes: number }[] }).listeners.find((l) => l.name === 'http');
  assert.ok(http!.attachedRoutes >= 1);
});

test('path (Exact, PathPrefix) and header matches pick the most specific rule; filters edit the request', async () => {
  await t.client.create(
    G.httproutes,
    'default',
    httpRoute('match', {
      hostnames: ['match.localhost'],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'big', port: 80 }] },
        { matches: [{ path: { type: 'Exact', value: '/exact' } }], backendRefs: [{ name: 'small', port: 80 }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/v2/' } }], backendRefs: [{ name: 'small', port: 80 }] },
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ name: 'X-Canary', value: 'yes' }] }],
          filters: [
            { type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'X-Added', value: 'a' }], remove: ['X-Gone'] } },
          ],
          backendRefs: [{ name: 'small', port: 80 }],
        },
        {
          matches: [{ path: { type: 'PathPrefix', value: '/old' } }],
          filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } } }],
          backendRefs: [{ name: 'big', port: 80 }],
        },
        {
          matches: [{ path: { type: 'Exact', value: '/moved' } }],
          filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'example.com', statusCode: 301 } }],
        },
      ],
    }),
  );
  await eventually(async () => (await get('match.localhost', '/exact')).body.startsWith('small'), 'route served');
  assert.match((await get('match.localhost', '/exact/no')).body, /^big/);
  assert.match((await get('match.localhost', '/v2')).body, /^small/);
  assert.match((await get('match.localhost', '/v2/x')).body, /^small/);
  assert.match((await get('match.localhost', '/v2x')).body, /^big/);
  assert.match(
    (await get('match.localhost', '/any', { 'X-Canary': 'yes', 'X-Gone': 'z' })).body,
    /^small \/any host=match.localhost x-added=a x-gone=$/,
  );
  assert.match((await get('match.localhost', '/old/page?q=1')).body, /^big \/new\/page\?q=1 /);
  const moved = await get('match.localhost', '/moved');
  assert.equal(moved.status, 301);
  assert.equal(moved.headers.location, 'http://example.com/moved');
  assert.equal((await get('nomatch.localhost')).status, 404);
});

test('ResolvedRefs: a missing Service is BackendNotFound (500); another namespace needs a ReferenceGrant', async () => {
  await t.client.create(
    G.httproutes,
    'default',
    httpRoute('missing', { hostnames: ['missing.localhost'], rules: [{ backendRefs: [{ name: 'nope', port: 80 }] }] }),
  );
  const r = await eventually(async () => {
    const o = await t.client.get(G.httproutes, 'default', 'missing');
    return parentConds(o).length && o;
  }, 'route status');
  const c = parentConds(r as KubeObject);
  assert.deepEqual(
    c.map((x) => [x.type, x.status, x.reason]),
    [
      ['Accepted', 'True', 'Accepted'],
      ['ResolvedRefs', 'False', 'BackendNotFound'],
    ],
  );
  assert.equal((await get('missing.localhost')).status, 500);

  await t.client.create(
    G.httproutes,
    'default',
    httpRoute('cross', { hostnames: ['cross.localhost'], rules: [{ backendRefs: [{ name: 'other', namespace: 'other', port: 80 }] }] }),
  );
  await eventually(
    async () => parentConds(await t.client.get(G.httproutes, 'default', 'cross')).find((x) => x.reason === 'RefNotPermitted'),
    'RefNotPermitted',
  );
  await t.client.create(G.grants, 'other', {
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: { name: 'allow' },
    spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' }], to: [{ group: '', kind: 'Service' }] },
  });
  await eventually(async () => (await get('cross.localhost')).body.startsWith('other'), 'cross-namespace backend served');
  const ok = parentConds(await t.client.get(G.httproutes, 'default', 'cross')).find((x) => x.type === 'ResolvedRefs');
  assert.equal(ok?.status, 'True');
});

test('a route from another namespace is NotAllowedByListeners on a Same-namespace listener', async () => {
  await t.client.create(
    G.httproutes,
    'other',
    httpRoute('stranger', { hostnames: ['stranger.localhost'], rules: [{ backendRefs: [{ name: 'other', port: 80 }] }] }, 'other'),
  );
  const c = await eventually(
    async () => parentConds(await t.client.get(G.httproutes, 'other', 'stranger')).find((x) => x.type === 'Accepted'),
    'status',
  );
  assert.deepEqual([c!.status, c!.reason], ['False', 'NotAllowedByListeners']);
  assert.equal((await get('stranger.localhost')).status, 404);
});
