import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore } from './testing/test-cluster';
import { R, type KubeClient } from '../client/types';
import { createMetricsApi, withMetricsGroup } from './metrics-api';
import { formatBytes, formatNanos } from '../apimachinery/quantity-format';

test('quantities print like metrics-server', () => {
  assert.equal(formatNanos(250_000_000), '250m');
  assert.equal(formatNanos(123_456), '123456n');
  assert.equal(formatNanos(2e9), '2');
  assert.equal(formatBytes(1234 * 1024), '1234Ki');
  assert.equal(formatBytes(64 * 2 ** 20), '64Mi');
  assert.equal(formatBytes(1000), '1000');
});

test('NodeMetrics and PodMetrics: list, get, selectors, not found, discovery', async () => {
  const t = await startTestCore();
  try {
    const { client } = t;
    await client.create(R.nodes, undefined, { metadata: { name: 'n1', labels: { zone: 'a' } } });
    await client.create(R.pods, 'default', {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    await client.create(R.pods, 'default', {
      metadata: { name: 'db', labels: { app: 'db' } },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    const ts = '2026-01-01T00:00:00Z';
    const api = createMetricsApi({
      client,
      source: () => ({
        nodes: [
          { name: 'n1', cpuNanoCores: 300_000_123, memoryBytes: 512 * 2 ** 20, timestamp: ts },
          { name: 'gone', cpuNanoCores: 1, memoryBytes: 1, timestamp: ts },
        ],
        pods: ['web', 'db'].map((name) => ({
          namespace: 'default',
          name,
          timestamp: ts,
          containers: [{ name: 'c', cpuNanoCores: 250e6, memoryBytes: 1234 * 1024 }],
        })),
      }),
    });
    const q = (s = '') => new URLSearchParams(s);
    const nodes: any = (await api.serve({ type: 'resource', group: 'metrics.k8s.io', version: 'v1beta1', plural: 'nodes' }, q())).body;
    assert.equal(nodes.kind, 'NodeMetricsList');
    assert.deepEqual(
      nodes.items.map((n: any) => [n.metadata.name, n.usage.cpu, n.usage.memory, n.metadata.labels.zone]),
      [['n1', '300000123n', '512Mi', 'a']],
    );
    const pods: any = (
      await api.serve(
        { type: 'resource', group: 'metrics.k8s.io', version: 'v1beta1', namespace: 'default', plural: 'pods' },
        q('labelSelector=app%3Dweb'),
      )
    ).body;
    assert.deepEqual(
      pods.items.map((p: any) => [p.metadata.name, p.containers[0].usage]),
      [['web', { cpu: '250m', memory: '1234Ki' }]],
    );
    const one: any = (
      await api.serve(
        { type: 'resource', group: 'metrics.k8s.io', version: 'v1beta1', namespace: 'default', plural: 'pods', name: 'db' },
        q(),
      )
    ).body;
    assert.equal(one.kind, 'PodMetrics');
    await assert.rejects(
      api.serve({ type: 'resource', group: 'metrics.k8s.io', version: 'v1beta1', namespace: 'default', plural: 'pods', name: 'nope' }, q()),
      (e: any) => e.code === 404 && e.message === 'podmetrics.metrics.k8s.io "default/nope" not found',
    );
    const rl: any = (await api.serve({ type: 'group-version', group: 'metrics.k8s.io', version: 'v1beta1' }, q())).body;
    assert.deepEqual(
      rl.resources.map((r: any) => r.kind),
      ['NodeMetrics', 'PodMetrics'],
    );
    assert.equal(withMetricsGroup({ groups: [] as object[] }).groups.length, 1);
    await assert.rejects(
      api.serve({ type: 'resource', group: 'metrics.k8s.io', version: 'v1beta1', plural: 'nodes' }, q(), 'POST'),
      (e: any) => e.code === 405,
    );
  } finally {
    await t.close();
  }
});

test("another machine's figures are shown only for pods bound to the node that reported them", async () => {
  const t = await startTestCore();
  try {
    const { client } = t;
    for (const [name, nodeName] of [
      ['on-b', 'b'],
      ['on-a', 'a'],
    ])
      await client.create(R.pods, 'default', { metadata: { name }, spec: { nodeName, containers: [{ name: 'c', image: 'x' }] } });
    const usage = (name: string, node?: string) => ({
      namespace: 'default',
      name,
      timestamp: '2026-01-01T00:00:00Z',
      containers: [{ name: 'c', cpuNanoCores: 1e6, memoryBytes: 2 ** 20 }],
      ...(node ? { node } : {}),
    });
    // Node b speaks for its own pod, and tries to speak for a's (a lie or a stale figure).
    const api = createMetricsApi({ client, source: () => ({ nodes: [], pods: [usage('on-b', 'b'), usage('on-a', 'b')] }) });
    const list = (
      await api.serve(
        { type: 'resource', group: 'metrics.k8s.io', version: 'v1beta1', namespace: 'default', plural: 'pods' },
        new URLSearchParams(),
      )
    ).body as { items: { metadata: { name: string } }[] };
    assert.deepEqual(
      list.items.map((p) => p.metadata.name),
      ['on-b'],
    );
  } finally {
    await t.close();
  }
});

test('a poll of a big namespace reads by name the few pods that report usage instead of listing it', async () => {
  const t = await startTestCore();
  try {
    const calls: string[] = [];
    const spy: KubeClient = {
      ...t.client,
      get: (...a) => {
        calls.push('get');
        return t.client.get(...a);
      },
      list: (...a) => {
        calls.push('list');
        return t.client.list(...a);
      },
    };
    for (const name of ['quiet-1', 'quiet-2', 'busy'])
      await t.client.create(R.pods, 'default', {
        metadata: { name, labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'x' }] },
      });
    const usage = (name: string) => ({
      namespace: 'default',
      name,
      timestamp: '2026-01-01T00:00:00Z',
      containers: [{ name: 'c', cpuNanoCores: 1e6, memoryBytes: 2 ** 20 }],
    });
    // 'gone' reports usage but no longer exists: it is left out, not an error.
    const api = createMetricsApi({ client: spy, source: () => ({ nodes: [], pods: [usage('busy'), usage('gone')] }) });
    const route = { type: 'resource', group: 'metrics.k8s.io', version: 'v1beta1', namespace: 'default', plural: 'pods' };
    const list = (await api.serve(route, new URLSearchParams())).body as { items: { metadata: { name: string; labels: object } }[] };
    assert.deepEqual(
      list.items.map((p) => [p.metadata.name, p.metadata.labels]),
      [['busy', { app: 'busy' }]],
    );
    assert.deepEqual(calls, ['get', 'get']);
    calls.length = 0;
    const one = (await api.serve({ ...route, name: 'busy' }, new URLSearchParams())).body as { metadata: { name: string } };
    assert.equal(one.metadata.name, 'busy');
    assert.deepEqual(calls, ['get']);
  } finally {
    await t.close();
  }
});

test('a poll with usage for many pods lists the namespace once', async () => {
  const many = Array.from({ length: 600 }, (_, i) => `p-${i}`);
  const calls: string[] = [];
  const client = {
    list: () => {
      calls.push('list');
      return Promise.resolve({
        items: many.map((name) => ({ metadata: { name, namespace: 'default', labels: { n: name } } })),
        resourceVersion: '1',
      });
    },
    get: () => {
      calls.push('get');
      return Promise.reject(new Error('not expected'));
    },
  } as unknown as KubeClient;
  const api = createMetricsApi({
    client,
    source: () => ({
      nodes: [],
      pods: many.map((name) => ({ namespace: 'default', name, timestamp: 't', containers: [] })),
    }),
  });
  const list = (
    await api.serve(
      { type: 'resource', group: 'metrics.k8s.io', version: 'v1beta1', namespace: 'default', plural: 'pods' },
      new URLSearchParams(),
    )
  ).body as { items: unknown[] };
  assert.equal(list.items.length, 600);
  assert.deepEqual(calls, ['list']);
});
