import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R, type KubeClient } from '../client/types';
import { createDaemonSetController } from './daemonset';
import { targetNode } from './daemonset-nodes';
import { container, listPods, setPhase, startKit, waitFor } from './testing/statefulset-test-kit';

const node = (name: string, labels: Record<string, string> = {}, taints: any[] = []) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  spec: { taints },
});
const ds = (extra: Record<string, any> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [container], ...extra } },
  },
});
const live = async (c: KubeClient) => (await listPods(c, 'app=agent')).filter((p) => !p.metadata.deletionTimestamp);
const placed = async (c: KubeClient) => (await live(c)).map(targetNode).sort();

test('one pod per node, pinned by node affinity, following nodes joining and leaving', async () => {
  const k = await startKit(createDaemonSetController);
  try {
    for (const n of ['n1', 'n2', 'n3']) await k.client.create(R.nodes, undefined, node(n));
    await k.client.create(R.daemonsets, 'default', ds());
    await waitFor(async () => (await placed(k.client)).join() === 'n1,n2,n3', '3 pods');
    const [p] = await live(k.client);
    assert.deepEqual(p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: [targetNode(p)] }] },
    ]);
    const tol = p.spec.tolerations.map((t: any) => `${t.key}:${t.effect}:${t.tolerationSeconds ?? ''}`);
    assert.ok(tol.includes('node.kubernetes.io/unreachable:NoExecute:'), 'no tolerationSeconds on daemon pods');
    assert.ok(tol.includes('node.kubernetes.io/unschedulable:NoSchedule:'));
    assert.ok(p.metadata.labels['controller-revision-hash']);

    await k.client.create(R.nodes, undefined, node('n4'));
    await waitFor(async () => (await placed(k.client)).join() === 'n1,n2,n3,n4', '4 pods');
    await k.client.delete(R.nodes, undefined, 'n2');
    await waitFor(async () => (await placed(k.client)).join() === 'n1,n3,n4', 'back to 3');

    for (const p of await live(k.client)) await setPhase(k.client, p, 'Running');
    const st = await waitFor(async () => {
      const d = await k.client.get(R.daemonsets, 'default', 'agent');
      return d.status.numberReady === 3 && d.status;
    }, 'status');
    assert.equal(st.desiredNumberScheduled, 3);
    assert.equal(st.currentNumberScheduled, 3);
    assert.equal(st.updatedNumberScheduled, 3);
    assert.equal(st.numberAvailable, 3);
    assert.equal(st.numberMisscheduled, 0);
  } finally {
    await k.stop();
  }
});

test('nodeSelector and taints limit the nodes; a NoExecute taint evicts', async () => {
  const k = await startKit(createDaemonSetController);
  try {
    await k.client.create(R.nodes, undefined, node('a', { disk: 'ssd' }));
    await k.client.create(R.nodes, undefined, node('b', { disk: 'hdd' }));
    await k.client.create(R.nodes, undefined, node('c', { disk: 'ssd' }, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]));
    await k.client.create(R.daemonsets, 'default', ds({ nodeSelector: { disk: 'ssd' } }));
    await waitFor(async () => (await placed(k.client)).join() === 'a', 'only a');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await placed(k.client), ['a']);
    await k.client.patch(R.nodes, undefined, 'a', 'merge', { spec: { taints: [{ key: 'gone', effect: 'NoExecute' }] } });
    await waitFor(async () => (await placed(k.client)).length === 0, 'evicted');
    const st = await waitFor(async () => {
      const d = await k.client.get(R.daemonsets, 'default', 'agent');
      return d.status.observedGeneration === 1 && d.status.desiredNumberScheduled === 0 && d.status;
    }, 'status');
    assert.equal(st.currentNumberScheduled, 0);
  } finally {
    await k.stop();
  }
});

test('RollingUpdate replaces pods one node at a time (maxUnavailable 1) and records revisions', async () => {
  const k = await startKit(createDaemonSetController);
  try {
    for (const n of ['n1', 'n2', 'n3']) await k.client.create(R.nodes, undefined, node(n));
    await k.client.create(R.daemonsets, 'default', ds());
    await waitFor(async () => (await live(k.client)).length === 3, '3 pods');
    for (const p of await live(k.client)) await setPhase(k.client, p, 'Running');
    const oldHash = (await live(k.client))[0].metadata.labels['controller-revision-hash'];
    await k.client.patch(R.daemonsets, 'default', 'agent', 'merge', {
      spec: { template: { spec: { containers: [{ ...container, image: 'nginx:2' }] } } },
    });
    let maxDown = 0;
    await waitFor(
      async () => {
        const pods = await listPods(k.client, 'app=agent');
        const down = pods.filter((p) => p.metadata.deletionTimestamp || p.status?.phase !== 'Running').length;
        maxDown = Math.max(
          maxDown,
          (await live(k.client)).filter((p) => p.status?.phase !== 'Running').length + (3 - (await live(k.client)).length),
        );
        for (const p of pods) if (!p.metadata.deletionTimestamp && p.status?.phase !== 'Running') await setPhase(k.client, p, 'Running');
        return down === 0 && pods.length === 3 && pods.every((p) => p.metadata.labels['controller-revision-hash'] !== oldHash);
      },
      'all updated',
      8000,
    );
    assert.ok(maxDown <= 1, `at most one node without an available pod, saw ${maxDown}`);
    const revs = (await k.client.list(R.controllerrevisions, 'default')).items.map((r: any) => r.revision).sort();
    assert.deepEqual(revs, [1, 2]);
  } finally {
    await k.stop();
  }
});

test('a failed daemon pod is replaced after a back-off', async () => {
  const k = await startKit(createDaemonSetController);
  try {
    await k.client.create(R.nodes, undefined, node('n1'));
    await k.client.create(R.daemonsets, 'default', ds());
    const [p] = await waitFor(async () => {
      const l = await live(k.client);
      return l.length === 1 && l;
    }, 'pod');
    await setPhase(k.client, p, 'Failed');
    const started = Date.now();
    const [q] = await waitFor(async () => {
      const l = await live(k.client);
      return l.length === 1 && l[0].metadata.uid !== p.metadata.uid && l;
    }, 'replacement');
    assert.ok(Date.now() - started >= 900, 'waited about a second before recreating');
    assert.equal(targetNode(q), 'n1');
  } finally {
    await k.stop();
  }
});
