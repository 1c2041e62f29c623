import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deleteObject, drain, restartRollout, rollbackTo, scale } from './actions';
import type { K8sClient } from './client';
import { K8sError } from './errors';
import { wellKnown } from './resources';

function fakeClient(handler: (method: string, path: string, body: any, opts: any) => unknown) {
  const calls: Array<{ method: string; path: string; body: any; contentType?: string; query?: any }> = [];
  const client: K8sClient = {
    profile: 'p',
    base: '/k8s/p',
    url: (p) => p,
    async getJson<T>(path: string, opts?: any) {
      calls.push({ method: 'GET', path, body: undefined, query: opts?.query });
      return handler('GET', path, undefined, opts) as T;
    },
    async send<T>(method: string, path: string, body: unknown, opts?: any) {
      calls.push({ method, path, body, contentType: opts?.contentType });
      return handler(method, path, body, opts) as T;
    },
    async open() {
      throw new Error('unused');
    },
  };
  return { client, calls };
}

test('delete sends the propagation policy; restart patches the template annotation', async () => {
  const { client, calls } = fakeClient(() => ({}));
  await deleteObject(client, wellKnown.deployments, 'default', 'web', 'Foreground');
  assert.equal(calls[0].path, '/apis/apps/v1/namespaces/default/deployments/web');
  assert.equal(calls[0].body.propagationPolicy, 'Foreground');
  await restartRollout(client, wellKnown.deployments, 'default', 'web', new Date('2024-05-01T00:00:00Z'));
  assert.equal(calls[1].body.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'], '2024-05-01T00:00:00.000Z');
  assert.equal(calls[1].contentType, 'application/merge-patch+json');
});

test('scale uses the scale subresource, falls back to spec.replicas, rejects bad numbers', async () => {
  const { client, calls } = fakeClient((_m, path) => {
    if (path.endsWith('/scale')) throw new K8sError('nf', 404, 'NotFound', '');
    return {};
  });
  await scale(client, wellKnown.deployments, 'default', 'web', 3);
  assert.deepEqual(
    calls.map((c) => c.path),
    ['/apis/apps/v1/namespaces/default/deployments/web/scale', '/apis/apps/v1/namespaces/default/deployments/web'],
  );
  assert.equal(calls[1].body.spec.replicas, 3);
  await assert.rejects(scale(client, wellKnown.deployments, 'default', 'web', -1), /whole number/);
});

test('rollback replaces the template without pod-template-hash', async () => {
  const { client, calls } = fakeClient(() => ({}));
  const dep = { metadata: { name: 'web', namespace: 'default', resourceVersion: '7' } };
  const rs = {
    metadata: { name: 'web-abc' },
    spec: {
      template: { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'c', image: 'old' }] } },
    },
  };
  await rollbackTo(client, dep, rs);
  assert.equal(calls[0].contentType, 'application/json-patch+json');
  assert.deepEqual(calls[0].body[1].value.metadata.labels, { app: 'web' });
  assert.equal(rs.spec.template.metadata.labels['pod-template-hash'], 'abc', 'the ReplicaSet object is untouched');
});

test('drain cordons, skips DaemonSet pods, evicts the rest and reports failures', async () => {
  const { client, calls } = fakeClient((method, path) => {
    if (method === 'GET')
      return {
        items: [
          { metadata: { name: 'a', namespace: 'd' } },
          {
            metadata: { name: 'ds', namespace: 'd', ownerReferences: [{ kind: 'DaemonSet', name: 'x', apiVersion: 'apps/v1', uid: '1' }] },
          },
          { metadata: { name: 'pdb', namespace: 'd' } },
        ],
      };
    if (path.includes('/pdb/eviction'))
      throw new K8sError("Cannot evict pod as it would violate the pod's disruption budget.", 429, 'TooManyRequests', '');
    return {};
  });
  const r = await drain(client, 'n1');
  assert.deepEqual(calls[0].body, { spec: { unschedulable: true } });
  assert.equal(calls[1].query.fieldSelector, 'spec.nodeName=n1');
  assert.deepEqual(r.evicted, ['d/a']);
  assert.deepEqual(r.skipped, ['d/ds']);
  assert.match(r.failed[0], /d\/pdb: Cannot evict/);
  const ev = calls.find((c) => c.path.endsWith('/a/eviction'))!;
  assert.equal(ev.body.kind, 'Eviction');
});
