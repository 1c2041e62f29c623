import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../client/types';
import { createStatefulSetController } from './statefulset';
import { container, listPods, setPhase, startKit, waitFor } from './testing/statefulset-test-kit';

const sts = (replicas: number, extra: Record<string, any> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    serviceName: 'web',
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } },
    volumeClaimTemplates: [
      { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    ],
    ...extra,
  },
});

const names = async (client: any) => (await listPods(client, 'app=web')).map((p) => p.metadata.name).sort();

test('OrderedReady: creates one pod at a time, in order, with identity, claims and revision', async () => {
  const k = await startKit(createStatefulSetController);
  try {
    await k.client.create(R.statefulsets, 'default', sts(3));
    for (const n of ['web-0', 'web-1', 'web-2']) {
      const pod = await waitFor(() => k.client.get(R.pods, 'default', n).catch(() => undefined), n);
      const all = await names(k.client);
      assert.equal(all[all.length - 1], n, 'no pod after the newest one before it is Ready');
      assert.equal(pod.spec.hostname, n);
      assert.equal(pod.spec.subdomain, 'web');
      assert.equal(pod.metadata.labels['statefulset.kubernetes.io/pod-name'], n);
      assert.equal(pod.metadata.labels['apps.kubernetes.io/pod-index'], n.slice(4));
      assert.ok(pod.metadata.labels['controller-revision-hash'].startsWith('web-'));
      assert.deepEqual(
        pod.spec.volumes.find((v: any) => v.name === 'data'),
        { name: 'data', persistentVolumeClaim: { claimName: `data-${n}` } },
      );
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await names(k.client)).length, Number(n.slice(4)) + 1, 'waits for Ready');
      await setPhase(k.client, pod, 'Running');
    }
    const claims = (await k.client.list(R.persistentvolumeclaims, 'default')).items.map((c: any) => c.metadata.name).sort();
    assert.deepEqual(claims, ['data-web-0', 'data-web-1', 'data-web-2']);
    const st = await waitFor(async () => {
      const s = await k.client.get(R.statefulsets, 'default', 'web');
      return s.status.readyReplicas === 3 && s.status;
    }, 'status');
    assert.equal(st.replicas, 3);
    assert.equal(st.currentRevision, st.updateRevision);
    assert.equal(st.observedGeneration, 1);
    const revs = (await k.client.list(R.controllerrevisions, 'default')).items;
    assert.equal(revs.length, 1);
    assert.equal(revs[0].revision, 1);

    // Scale down: highest ordinal first, claims kept.
    await k.client.patch(R.statefulsets, 'default', 'web', 'merge', { spec: { replicas: 1 } });
    await waitFor(async () => (await names(k.client)).length === 1, 'scale down');
    assert.deepEqual(await names(k.client), ['web-0']);
    assert.equal((await k.client.list(R.persistentvolumeclaims, 'default')).items.length, 3);
  } finally {
    await k.stop();
  }
});

test('OrderedReady scale down removes the highest ordinal first, one at a time', async () => {
  const k = await startKit(createStatefulSetController);
  try {
    await k.client.create(R.statefulsets, 'default', sts(3));
    for (const n of ['web-0', 'web-1', 'web-2']) {
      const p = await waitFor(() => k.client.get(R.pods, 'default', n).catch(() => undefined), n);
      await setPhase(k.client, p, 'Running');
    }
    // A finalizer holds each deleted pod in Terminating, as a kubelet would, to observe the order.
    for (const n of ['web-0', 'web-1', 'web-2'])
      await k.client.patch(R.pods, 'default', n, 'merge', { metadata: { finalizers: ['test/hold'] } });
    await k.client.patch(R.statefulsets, 'default', 'web', 'merge', { spec: { replicas: 0 } });
    const deleting = async () =>
      (await listPods(k.client, 'app=web')).filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name);
    await waitFor(async () => (await deleting()).length === 1, 'first delete');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await deleting(), ['web-2']);
    await k.client.patch(R.pods, 'default', 'web-2', 'merge', { metadata: { finalizers: null } });
    await waitFor(async () => (await deleting()).join() === 'web-1', 'web-1 next');
  } finally {
    await k.stop();
  }
});

test('RollingUpdate replaces pods from the highest ordinal down to the partition', async () => {
  const k = await startKit(createStatefulSetController);
  try {
    await k.client.create(
      R.statefulsets,
      'default',
      sts(3, { podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }),
    );
    await waitFor(async () => (await names(k.client)).length === 3, 'create');
    for (const p of await listPods(k.client, 'app=web')) await setPhase(k.client, p, 'Running');
    const before = await waitFor(async () => {
      const s = await k.client.get(R.statefulsets, 'default', 'web');
      return s.status.readyReplicas === 3 && s.status.updateRevision;
    }, 'ready');
    await k.client.patch(R.statefulsets, 'default', 'web', 'merge', {
      spec: { template: { spec: { containers: [{ ...container, image: 'nginx:2' }] } } },
    });
    const after = await waitFor(async () => {
      const s = await k.client.get(R.statefulsets, 'default', 'web');
      return s.status.updateRevision !== before && s.status.updateRevision;
    }, 'new revision');
    const podRev = async (n: string) =>
      (await k.client.get(R.pods, 'default', n).catch(() => undefined))?.metadata.labels['controller-revision-hash'];
    await waitFor(async () => (await podRev('web-2')) === after, 'web-2 updated');
    assert.equal(await podRev('web-1'), before, 'waits for web-2 to be Ready');
    await setPhase(k.client, await k.client.get(R.pods, 'default', 'web-2'), 'Running');
    await waitFor(async () => (await podRev('web-1')) === after, 'web-1 updated');
    await setPhase(k.client, await k.client.get(R.pods, 'default', 'web-1'), 'Running');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await podRev('web-0'), before, 'partition keeps web-0');
    const s = await k.client.get(R.statefulsets, 'default', 'web');
    assert.equal(s.status.updatedReplicas, 2);
    assert.equal(s.status.currentRevision, before);
    assert.equal((await k.client.list(R.controllerrevisions, 'default')).items.length, 2);
  } finally {
    await k.stop();
  }
});

test('pods orphaned by `delete --cascade=orphan` are adopted by a new set of the same name', async () => {
  const k = await startKit(createStatefulSetController);
  try {
    await k.client.create(R.statefulsets, 'default', sts(1));
    const p = await waitFor(() => k.client.get(R.pods, 'default', 'web-0').catch(() => undefined), 'web-0');
    await k.client.delete(R.statefulsets, 'default', 'web', { propagationPolicy: 'Orphan' });
    await waitFor(
      () =>
        k.client.get(R.statefulsets, 'default', 'web').then(
          () => false,
          () => true,
        ),
      'set gone',
    );
    assert.equal((await k.client.get(R.pods, 'default', 'web-0')).metadata.ownerReferences, undefined, 'orphaned');
    const again = await k.client.create(R.statefulsets, 'default', sts(1));
    const adopted = await waitFor(async () => {
      const q = await k.client.get(R.pods, 'default', 'web-0');
      return q.metadata.ownerReferences?.[0]?.uid === again.metadata.uid && q;
    }, 'adopted');
    assert.equal(adopted.metadata.uid, p.metadata.uid, 'the same pod, not a new one');
  } finally {
    await k.stop();
  }
});
