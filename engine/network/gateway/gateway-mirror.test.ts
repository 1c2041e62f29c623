// RequestMirror: every request an HTTPRoute rule serves is also sent, with its body, to the mirror
// backend, whose answer is dropped; the client gets the main backend's. A mirror to a missing
// Service is a ResolvedRefs problem, and the rule still serves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { eventually } from '../../apiserver/testing/test-cluster';
import { GATEWAY_RESOURCES as G } from './gateway-controller';
import { startGatewayHarness, type GatewayHarness } from './testing/gateway-harness';

let h: GatewayHarness;
const mirrored: string[] = [];

before(async () => {
  h = await startGatewayHarness();
  await h.addPod(
    '10.244.3.1',
    createServer((req, res) => {
      req.resume();
      res.end('main');
    }),
  );
  await h.addPod(
    '10.244.3.2',
    createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        mirrored.push(`${req.method} ${req.url} ${req.headers.host} ${body}`);
        res.statusCode = 500; // never seen by the client
        res.end('mirror');
      });
    }),
  );
  await h.svc('default', 'main', '10.244.3.1');
  await h.svc('default', 'shadow', '10.244.3.2');
  await h.t.client.create(G.gateways, 'default', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw' },
    spec: { gatewayClassName: 'skiff', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
  });
});

after(async () => {
  await h.stop();
});

function send(host: string, method: string, path: string, body?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: h.port, method, path, headers: { Host: host }, agent: false }, (res) => {
      let b = '';
      res.on('data', (d) => (b += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: b }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const route = (name: string, host: string, mirrorTo: string, share: object = {}) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: 'default' },
  spec: {
    parentRefs: [{ name: 'gw' }],
    hostnames: [host],
    rules: [
      {
        filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: mirrorTo, port: 80 }, ...share } }],
        backendRefs: [{ name: 'main', port: 80 }],
      },
    ],
  },
});

test('a RequestMirror rule copies each request, body included, to the mirror; the client sees the main answer', async () => {
  await h.t.client.create(G.httproutes, 'default', route('mirrored', 'mirror.localhost', 'shadow'));
  await eventually(async () => (await send('mirror.localhost', 'GET', '/')).body === 'main', 'the route serving');
  const r = await send('mirror.localhost', 'POST', '/orders?id=7', 'payload');
  assert.deepEqual(r, { status: 200, body: 'main' });
  await eventually(() => mirrored.includes('POST /orders?id=7 mirror.localhost payload'), 'the mirrored POST');
  const got = await h.t.client.get(G.httproutes, 'default', 'mirrored');
  const conds = (got.status as { parents: { conditions: { type: string; status: string }[] }[] }).parents[0].conditions;
  assert.ok(conds.some((c) => c.type === 'Accepted' && c.status === 'True'));
});

test('a mirror to a missing Service is ResolvedRefs False/BackendNotFound; requests are still served', async () => {
  await h.t.client.create(G.httproutes, 'default', route('nomirror', 'nomirror.localhost', 'missing'));
  await eventually(async () => (await send('nomirror.localhost', 'GET', '/')).body === 'main', 'the route serving');
  type Cond = { type: string; status: string; reason: string };
  const conds = (await eventually(async () => {
    const got = await h.t.client.get(G.httproutes, 'default', 'nomirror');
    const c = (got.status as { parents?: { conditions: { type: string; status: string; reason: string }[] }[] })?.parents?.[0]?.conditions;
    return c?.some((x) => x.type === 'ResolvedRefs') && c;
  }, 'route status')) as Cond[];
  assert.ok(conds.some((c) => c.type === 'ResolvedRefs' && c.status === 'False' && c.reason === 'BackendNotFound'));
});

test('requestMirror.percent and .fraction mirror exactly that share of the requests', async () => {
  await h.t.client.create(G.httproutes, 'default', route('pct', 'pct.localhost', 'shadow', { percent: 20 }));
  await h.t.client.create(
    G.httproutes,
    'default',
    route('frac', 'frac.localhost', 'shadow', { fraction: { numerator: 1, denominator: 4 } }),
  );
  await eventually(async () => (await send('frac.localhost', 'GET', '/warm')).body === 'main', 'the routes serving');
  await eventually(async () => (await send('pct.localhost', 'GET', '/warm')).body === 'main', 'the routes serving');
  for (let i = 0; i < 100; i++) {
    assert.equal((await send('pct.localhost', 'GET', `/p${i}`)).body, 'main');
    assert.equal((await send('frac.localhost', 'GET', `/f${i}`)).body, 'main');
  }
  const seen = (prefix: string) => mirrored.filter((m) => m.startsWith(`GET /${prefix}`)).length;
  // The warm-up request is counted first (and not copied): copies at the 5th, 10th … 100th and 4th … 100th.
  await eventually(() => seen('p') >= 20 && seen('f') >= 25, 'the mirrored copies');
  await new Promise((r) => setTimeout(r, 200)); // a stray extra copy would arrive by now
  assert.equal(seen('p'), 20);
  assert.equal(seen('f'), 25);
});

test('percent and fraction together, or a fraction above 1, are refused with upstream wording', async () => {
  await assert.rejects(
    h.t.client.create(G.httproutes, 'default', route('both', 'both.localhost', 'shadow', { percent: 5, fraction: { numerator: 1 } })),
    /Only one of percent or fraction may be specified in HTTPRequestMirrorFilter/,
  );
  await assert.rejects(
    h.t.client.create(G.httproutes, 'default', route('over', 'over.localhost', 'shadow', { fraction: { numerator: 3, denominator: 2 } })),
    /numerator must be less than or equal to denominator/,
  );
  await assert.rejects(h.t.client.create(G.httproutes, 'default', route('big', 'big.localhost', 'shadow', { percent: 101 })), /percent/);
});
