// nodes/proxy answers the kubelet's read endpoints in their formats from what the API server
// holds (pods bound to the node, its Ready condition, the kubelets' usage figures), refuses other
// node ports and the kubelet's host-file endpoints, and needs RBAC on nodes/proxy: a user who may
// read Nodes is still refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startApiFixture, type ApiFixture } from './api-fixture';
import { createInProcessClient } from '../../engine/apiserver/in-process-client';
import { R } from '../../engine/client/types';

let f: ApiFixture;
before(async () => {
  f = await startApiFixture();
  const c = createInProcessClient(f.server.core);
  await c.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { capacity: { pods: '42' } } });
  const n1 = await c.get(R.nodes, undefined, 'n1');
  n1.status = { capacity: { pods: '42' }, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] };
  await c.update(R.nodes, undefined, n1, { subresource: 'status' });
  await c.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' } });
  for (const [name, node] of [
    ['a', 'n1'],
    ['b', 'n2'],
  ]) {
    await c.create(R.pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { nodeName: node, containers: [{ name: 'main', image: 'busybox' }] },
    });
  }
  f.server.core.metrics.source = () => ({
    nodes: [{ name: 'n1', cpuNanoCores: 250_000_000, memoryBytes: 1_048_576, timestamp: '2026-01-01T00:00:00Z' }],
    pods: [
      {
        namespace: 'default',
        name: 'a',
        containers: [{ name: 'main', cpuNanoCores: 1000, memoryBytes: 4096 }],
        timestamp: '2026-01-01T00:00:00Z',
      },
    ],
  });
  await c.create(R.clusterroles, undefined, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'node-reader' },
    rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }],
  });
  const bindings = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings' };
  await c.create(bindings, undefined, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'alice-node-reader' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'node-reader' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
  });
});
after(() => f?.close());

function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
    request(`${f.server.url}${path}`, { ca: f.pki.caCert, cert: f.pki.adminCert, key: f.pki.adminKey, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text }));
    })
      .on('error', reject)
      .end();
  });
}

const P = '/api/v1/nodes/n1/proxy';
const parse = <T = { message: string }>(text: string) => JSON.parse(text) as T;
interface Summary {
  node: { nodeName: string; cpu: { usageNanoCores: number }; memory: { workingSetBytes: number } };
  pods: Array<{ podRef: { name: string }; containers: Array<{ memory: { workingSetBytes: number } }> }>;
}

test('healthz, pods, stats/summary, metrics/resource and configz in the kubelet formats', async () => {
  assert.equal((await get(`${P}/healthz`)).text, 'ok');
  assert.equal((await get('/api/v1/nodes/n2/proxy/healthz')).status, 500, 'a node that is not Ready fails its healthz');
  const pods = parse<{ kind: string; items: Array<{ metadata: { name: string } }> }>((await get(`${P}/pods`)).text);
  assert.equal(pods.kind, 'PodList');
  assert.deepEqual(
    pods.items.map((p) => p.metadata.name),
    ['a'],
  );
  const summary = parse<Summary>((await get(`${P}/stats/summary`)).text);
  assert.equal(summary.node.nodeName, 'n1');
  assert.equal(summary.node.cpu.usageNanoCores, 250_000_000);
  assert.equal(summary.node.memory.workingSetBytes, 1_048_576);
  assert.equal(summary.pods[0].podRef.name, 'a');
  assert.equal(summary.pods[0].containers[0].memory.workingSetBytes, 4096);
  const metrics = await get(`${P}/metrics/resource`);
  assert.match(metrics.type, /^text\/plain; version=0\.0\.4/);
  assert.match(metrics.text, /^container_memory_working_set_bytes\{container="main",namespace="default",pod="a"\} 4096 \d+$/m);
  assert.match(metrics.text, /^node_memory_working_set_bytes 1048576 \d+$/m);
  assert.match(metrics.text, /^scrape_error 0$/m);
  assert.match((await get(`${P}/metrics`)).text, /^kubelet_node_name\{node="n1"\} 1$/m);
  assert.equal(parse<{ kubeletconfig: { maxPods: number } }>((await get(`${P}/configz`)).text).kubeletconfig.maxPods, 42);
});

test('the kubelet port only; no host files; unknown nodes are 404', async () => {
  assert.equal((await get('/api/v1/nodes/n1:10250/proxy/healthz')).text, 'ok');
  const other = await get('/api/v1/nodes/n1:22/proxy/');
  assert.equal(other.status, 400);
  assert.match(parse(other.text).message, /address not allowed/);
  assert.equal((await get(`${P}/logs/`)).status, 404);
  const missing = await get('/api/v1/nodes/nope/proxy/healthz');
  assert.equal(missing.status, 404);
  assert.match(parse(missing.text).message, /nodes "nope" not found/);
});

test('RBAC: reading Nodes is not nodes/proxy', async () => {
  const as = { 'Impersonate-User': 'alice' };
  assert.equal((await get('/api/v1/nodes/n1', as)).status, 200);
  const denied = await get(`${P}/stats/summary`, as);
  assert.equal(denied.status, 403);
  assert.match(parse(denied.text).message, /cannot get resource "nodes\/proxy" in API group "" at the cluster scope/);
});
