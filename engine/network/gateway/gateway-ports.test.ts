// A port per Gateway listener: a listener naming a port other than 80/443 is served on that port of
// 127.0.0.1 with its own routes only (HTTP, and HTTPS with the localhost CA); one whose port is
// taken is Accepted: False, PortUnavailable; a listener removed closes its port.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { eventually } from '../../apiserver/testing/test-cluster';
import { GATEWAY_RESOURCES as G } from './gateway-controller';
import { startGatewayHarness, type GatewayHarness } from './testing/gateway-harness';

type Cond = { type: string; status: string; reason: string; message: string };
let h: GatewayHarness;
let taken: Server;
const ports: number[] = [];

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

function get(port: number, host: string, tls = false) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const opts = { host: '127.0.0.1', port, path: '/', headers: { Host: host }, agent: false as const };
    const req = tls ? httpsRequest({ ...opts, servername: host, ca: h.caPem }) : request(opts);
    req.on('response', (res) => {
      let b = '';
      res.on('data', (d) => (b += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: b }));
    });
    req.on('error', reject);
    req.end();
  });
}

const pod = (name: string) =>
  createServer((_req, res) => {
    res.end(name);
  });
const route = (name: string, section: string, host: string, svc: string) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name },
  spec: { parentRefs: [{ name: 'ports', sectionName: section }], hostnames: [host], rules: [{ backendRefs: [{ name: svc, port: 80 }] }] },
});

before(async () => {
  h = await startGatewayHarness({ tls: true });
  for (let i = 0; i < 3; i++) ports.push(await freePort());
  taken = createServer();
  await new Promise<void>((r) => taken.listen(ports[2], '127.0.0.1', () => r()));
  await h.addPod('10.244.6.1', pod('main'));
  await h.addPod('10.244.6.2', pod('alt'));
  await h.svc('default', 'main', '10.244.6.1');
  await h.svc('default', 'alt', '10.244.6.2');
  await h.t.client.create(G.gateways, 'default', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'ports' },
    spec: {
      gatewayClassName: 'skiff',
      listeners: [
        { name: 'main', port: 80, protocol: 'HTTP' },
        { name: 'alt', port: ports[0], protocol: 'HTTP' },
        { name: 'alts', port: ports[1], protocol: 'HTTPS', hostname: '*.localhost' },
        { name: 'busy', port: ports[2], protocol: 'HTTP' },
      ],
    },
  });
  await h.t.client.create(G.httproutes, 'default', route('main', 'main', 'web.localhost', 'main'));
  await h.t.client.create(G.httproutes, 'default', route('alt', 'alt', 'web.localhost', 'alt'));
  await h.t.client.create(G.httproutes, 'default', route('alts', 'alts', 'secure.localhost', 'alt'));
});

after(async () => {
  taken.close();
  await h.stop();
});

test('each listener port serves its own routes: the same host answers from different Services on two ports', async () => {
  await eventually(async () => (await get(ports[0], 'web.localhost').catch(() => undefined))?.body === 'alt', 'the alt port serving');
  assert.deepEqual(await get(h.port, 'web.localhost'), { status: 200, body: 'main' });
  const other = await get(ports[0], 'secure.localhost');
  assert.equal(other.status, 404);
  assert.match(other.body, new RegExp(`No route of the Gateway listener on port ${ports[0]} matches host "secure.localhost"`));
});

test('an HTTPS listener on its own port terminates TLS with the localhost CA', async () => {
  const r = await eventually(() => get(ports[1], 'secure.localhost', true).catch(() => undefined), 'the HTTPS port serving');
  assert.deepEqual(r, { status: 200, body: 'alt' });
});

test('a listener whose port is taken is Accepted False/PortUnavailable; the others are Programmed', async () => {
  const ls = (await eventually(async () => {
    const gw = await h.t.client.get(G.gateways, 'default', 'ports');
    const l = (gw.status as { listeners?: { name: string; conditions: Cond[] }[] } | undefined)?.listeners;
    const busy = l?.find((x) => x.name === 'busy')?.conditions.find((c) => c.type === 'Accepted');
    return busy?.status === 'False' && l;
  }, 'the busy listener refused')) as { name: string; conditions: Cond[] }[];
  const busy = ls.find((x) => x.name === 'busy')!.conditions.find((c) => c.type === 'Accepted')!;
  assert.equal(busy.reason, 'PortUnavailable');
  assert.equal(busy.message, `port ${ports[2]} on 127.0.0.1 is in use by another program`);
  for (const n of ['main', 'alt', 'alts'])
    assert.equal(ls.find((x) => x.name === n)!.conditions.find((c) => c.type === 'Programmed')!.status, 'True', n);
});

test('a listener removed closes its port', async () => {
  const gw = await h.t.client.get(G.gateways, 'default', 'ports');
  const spec = gw.spec as { listeners: { name: string }[] };
  await h.t.client.update(G.gateways, 'default', { ...gw, spec: { ...spec, listeners: spec.listeners.filter((l) => l.name !== 'alt') } });
  await eventually(
    async () =>
      await get(ports[0], 'web.localhost').then(
        () => false,
        () => true,
      ),
    'the alt port closed',
  );
});
