// Conflicts reported as upstream's conditions: listeners on one port with one hostname are
// Conflicted/HostnameConflict, HTTP and HTTPS on one port Conflicted/ProtocolConflict (and neither
// is served); of an HTTPRoute and a GRPCRoute sharing host names on a listener, the older is
// Accepted and the other Accepted: False, reason Conflicted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../apiserver/testing/test-cluster';
import type { KubeObject } from '../../kinds/types';
import { GATEWAY_RESOURCES as G } from './gateway-controller';
import { listenerConflicts } from './listener-conflicts';
import { startGatewayHarness, type GatewayHarness } from './testing/gateway-harness';

type Cond = { type: string; status: string; reason: string; message: string };
let h: GatewayHarness;

before(async () => {
  h = await startGatewayHarness();
});
after(async () => {
  await h.stop();
});

const gateway = (name: string, listeners: object[], created?: string): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace: 'default', ...(created ? { creationTimestamp: created } : {}) },
  spec: { gatewayClassName: 'skiff', listeners },
});

async function listenerConds(gw: string) {
  return (await eventually(async () => {
    const got = await h.t.client.get(G.gateways, 'default', gw);
    const ls = (got.status as { listeners?: { name: string; conditions: Cond[] }[] } | undefined)?.listeners;
    return ls?.length ? ls : undefined;
  }, `status of ${gw}`)) as { name: string; conditions: Cond[] }[];
}
const cond = (cs: Cond[], type: string) => cs.find((c) => c.type === type)!;

test('two listeners on one port with one hostname are Conflicted/HostnameConflict and not Programmed; a distinct one is not', async () => {
  await h.t.client.create(
    G.gateways,
    'default',
    gateway('hosts', [
      { name: 'a', port: 80, protocol: 'HTTP', hostname: 'same.localhost' },
      { name: 'b', port: 80, protocol: 'HTTP', hostname: 'same.localhost' },
      { name: 'c', port: 80, protocol: 'HTTP', hostname: 'other.localhost' },
    ]),
  );
  const ls = await listenerConds('hosts');
  for (const n of ['a', 'b']) {
    const cs = ls.find((l) => l.name === n)!.conditions;
    assert.equal(cond(cs, 'Conflicted').status, 'True');
    assert.equal(cond(cs, 'Conflicted').reason, 'HostnameConflict');
    assert.match(cond(cs, 'Conflicted').message, /listeners a, b on port 80 all serve hostname same.localhost/);
    assert.equal(cond(cs, 'Programmed').status, 'False');
  }
  const c = ls.find((l) => l.name === 'c')!.conditions;
  assert.deepEqual([cond(c, 'Conflicted').status, cond(c, 'Conflicted').reason], ['False', 'NoConflicts']);
  assert.equal(cond(c, 'Programmed').status, 'True');
});

test('HTTP and HTTPS listeners on one port are Conflicted/ProtocolConflict', async () => {
  await h.t.client.create(
    G.gateways,
    'default',
    gateway('protocols', [
      { name: 'plain', port: 8000, protocol: 'HTTP' },
      { name: 'secure', port: 8000, protocol: 'HTTPS', hostname: 'x.localhost' },
    ]),
  );
  const ls = await listenerConds('protocols');
  for (const l of ls) {
    assert.equal(cond(l.conditions, 'Conflicted').reason, 'ProtocolConflict');
    assert.equal(cond(l.conditions, 'Conflicted').status, 'True');
  }
});

test('of an HTTPRoute and a GRPCRoute sharing a host name on a listener, the older is Accepted, the other Accepted: False/Conflicted', async () => {
  await h.t.client.create(
    G.gateways,
    'default',
    gateway('mixed', [{ name: 'web', port: 80, protocol: 'HTTP', hostname: '*.mixed.localhost' }]),
  );
  const spec = {
    parentRefs: [{ name: 'mixed' }],
    hostnames: ['api.mixed.localhost'],
    rules: [{ backendRefs: [{ name: 'svc', port: 80 }] }],
  };
  await h.t.client.create(G.httproutes, 'default', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web' },
    spec,
  });
  await new Promise((r) => setTimeout(r, 1100)); // creationTimestamp has one-second resolution
  await h.t.client.create(G.grpcroutes, 'default', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: { name: 'rpc' },
    spec,
  });
  const accepted = async (res: typeof G.httproutes, name: string) =>
    (await eventually(async () => {
      const got = await h.t.client.get(res, 'default', name);
      const cs = (got.status as { parents?: { conditions: Cond[] }[] } | undefined)?.parents?.[0]?.conditions;
      return cs && cond(cs, 'Accepted');
    }, `status of ${name}`)) as Cond;
  const rpc = await accepted(G.grpcroutes, 'rpc');
  assert.equal(rpc.status, 'False');
  assert.equal(rpc.reason, 'Conflicted');
  assert.match(rpc.message, /HTTPRoute default\/web, the older route, serves the same host names on listener web/);
  assert.equal((await accepted(G.httproutes, 'web')).status, 'True');
});

test('across Gateways the oldest keeps a port; a younger Gateway wanting another protocol there is ProtocolConflict', () => {
  const got = listenerConflicts([
    gateway('young', [{ name: 'tls', port: 9443, protocol: 'HTTPS', hostname: 'a.localhost' }], '2026-01-02T00:00:00Z'),
    gateway('old', [{ name: 'http', port: 9443, protocol: 'HTTP' }], '2026-01-01T00:00:00Z'),
  ]);
  assert.equal(got.get('default/old')![0], undefined);
  assert.deepEqual(got.get('default/young')![0], {
    reason: 'ProtocolConflict',
    message: 'port 9443 is already served for HTTP by Gateway default/old, an older Gateway',
  });
});
