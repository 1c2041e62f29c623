import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually as poll, type TestCluster } from '../apiserver/testing/test-cluster';
import { R } from '../client/types';
import type { KubeObject } from '../kinds/types';
import { startScheduler, type Scheduler } from './index';
import { makeNode, makePod } from './testing/fixtures';

let tc: TestCluster;

/** Polls until the check yields a value (falsy means "not yet"). */
async function eventually<T>(check: () => Promise<T | false | undefined | null | ''>, what: string, timeoutMs = 10_000): Promise<T> {
  return (await poll(check, what, timeoutMs)) as T;
}

/** Creates a node and sets its status (create ignores status, as in Kubernetes). */
async function addNode(node: KubeObject) {
  const created = await tc.client.create(R.nodes, undefined, node);
  await tc.client.update(R.nodes, undefined, { ...created, status: node.status }, { subresource: 'status' });
}
let sched: Scheduler;

before(async () => {
  tc = await startTestCore();
  for (const n of ['n1', 'n2', 'n3']) await addNode(makeNode(n, { cpu: '2', memory: '4Gi' }));
  sched = await startScheduler({ client: tc.client, queue: { initialBackoffMs: 20, maxBackoffMs: 100 } });
});
after(async () => {
  sched.stop();
  await tc.close();
});

const create = (ns: string, pod: KubeObject) =>
  tc.client.create(R.pods, ns, { ...pod, metadata: { ...pod.metadata, namespace: ns, uid: undefined } });
const get = (ns: string, name: string) => tc.client.get(R.pods, ns, name);
const events = async (ns: string, name: string): Promise<KubeObject[]> =>
  (await tc.client.list(R.events, ns)).items.filter((e) => e.involvedObject?.name === name);
const ensureNs = (ns: string) => tc.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

test('pods of one workload get bound and spread across nodes, with Scheduled events', async () => {
  await ensureNs('spread');
  for (let i = 0; i < 6; i++) await create('spread', makePod(`web-${i}`, { labels: { app: 'web' } }));
  const pods = await eventually(async () => {
    const items = (await tc.client.list(R.pods, 'spread')).items;
    return items.length === 6 && items.every((p) => p.spec.nodeName) && items;
  }, 'all pods bound');
  const perNode = new Map<string, number>();
  for (const p of pods) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
  assert.deepEqual([...perNode.values()], [2, 2, 2]);
  const cond = pods[0].status.conditions.find((c: any) => c.type === 'PodScheduled');
  assert.equal(cond.status, 'True');
  const ev = await eventually(async () => (await events('spread', 'web-0')).find((e) => e.reason === 'Scheduled'), 'Scheduled event');
  assert.equal(ev.message, `Successfully assigned spread/web-0 to ${pods.find((p) => p.metadata.name === 'web-0')!.spec.nodeName}`);
  assert.equal(ev.source.component, 'default-scheduler');
});

test('a pod too large for every node stays Pending with FailedScheduling, then fits when a node arrives', async () => {
  await ensureNs('big');
  await create('big', makePod('huge', { cpu: '3' }));
  const pod = await eventually(async () => {
    const p = await get('big', 'huge');
    return p.status.conditions?.find((c: any) => c.type === 'PodScheduled' && c.status === 'False') && p;
  }, 'PodScheduled=False');
  const cond = pod.status.conditions.find((c: any) => c.type === 'PodScheduled');
  assert.equal(cond.reason, 'Unschedulable');
  assert.equal(
    cond.message,
    '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
  );
  const ev = await eventually(
    async () => (await events('big', 'huge')).find((e) => e.reason === 'FailedScheduling'),
    'FailedScheduling event',
  );
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.message, cond.message);
  // A cluster change (new node) retries it.
  await addNode(makeNode('n4-big', { cpu: '8' }));
  const bound = await eventually(async () => (await get('big', 'huge')).spec.nodeName, 'bound after node added');
  assert.equal(bound, 'n4-big');
  await tc.client.delete(R.pods, 'big', 'huge', { gracePeriodSeconds: 0 });
  await tc.client.delete(R.nodes, undefined, 'n4-big');
});

test('a cordoned node is skipped; nodeSelector and taints are honored', async () => {
  await ensureNs('cordon');
  await tc.client.patch(R.nodes, undefined, 'n1', 'merge', { spec: { unschedulable: true } });
  await tc.client.patch(R.nodes, undefined, 'n2', 'merge', {
    spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
  });
  try {
    for (let i = 0; i < 3; i++) await create('cordon', makePod(`p${i}`));
    await create('cordon', makePod('picky', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'n1' } } }));
    const pods = await eventually(async () => {
      const items = (await tc.client.list(R.pods, 'cordon')).items.filter((p) => p.metadata.name !== 'picky');
      return items.every((p) => p.spec.nodeName) && items;
    }, 'plain pods bound');
    assert.deepEqual([...new Set(pods.map((p) => p.spec.nodeName))], ['n3']);
    const picky = await eventually(async () => {
      const p = await get('cordon', 'picky');
      return p.status.conditions?.find((c: any) => c.type === 'PodScheduled' && c.status === 'False');
    }, 'picky unschedulable');
    // Sorted as strings, as kube-scheduler does.
    assert.equal(
      picky.message,
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    // Uncordon: the waiting pod is retried and lands on n1.
    await tc.client.patch(R.nodes, undefined, 'n1', 'merge', { spec: { unschedulable: null } });
    assert.equal(await eventually(async () => (await get('cordon', 'picky')).spec.nodeName, 'picky bound'), 'n1');
  } finally {
    await tc.client.patch(R.nodes, undefined, 'n1', 'merge', { spec: { unschedulable: null } });
    await tc.client.patch(R.nodes, undefined, 'n2', 'merge', { spec: { taints: null } });
    await tc.client.delete(R.namespaces, undefined, 'cordon').catch(() => {});
  }
});

test('a high-priority pod preempts a lower-priority one', async () => {
  await ensureNs('prio');
  await tc.client.create(R.priorityclasses, undefined, {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'high' },
    value: 1000,
  });
  // Fill every node's cpu with low-priority pods (2 cpu each; earlier tests' pods request none).
  for (const n of ['n1', 'n2', 'n3'])
    await create('prio', makePod(`low-${n}`, { cpu: '2', spec: { nodeSelector: { 'kubernetes.io/hostname': n } } }));
  await eventually(async () => (await tc.client.list(R.pods, 'prio')).items.every((p) => p.spec.nodeName), 'low pods bound');
  // Act as the kubelet: finish graceful deletions.
  const kubelet = setInterval(async () => {
    for (const p of (await tc.client.list(R.pods, 'prio')).items) {
      if (p.metadata.deletionTimestamp) await tc.client.delete(R.pods, 'prio', p.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => {});
    }
  }, 20);
  try {
    await create('prio', makePod('vip', { cpu: '1500m', spec: { priorityClassName: 'high' } }));
    const node = await eventually<string>(async () => (await get('prio', 'vip')).spec.nodeName, 'vip bound', 15_000);
    const left = (await tc.client.list(R.pods, 'prio')).items.map((p) => p.metadata.name).sort();
    assert.equal(left.length, 3);
    assert.ok(!left.includes(`low-${node}`), `the victim on ${node} is gone`);
    // The first attempt preempts; a retry while the victim terminates may say so in its suffix.
    const ev = (await events('prio', 'vip')).find((e) => e.reason === 'FailedScheduling');
    assert.match(
      ev?.message ?? '',
      /^0\/3 nodes are available: 3 Insufficient cpu\.( preemption: not eligible due to a terminating pod on the nominated node\.)?$/,
    );
  } finally {
    clearInterval(kubelet);
    for (const p of (await tc.client.list(R.pods, 'prio')).items)
      await tc.client.delete(R.pods, 'prio', p.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => {});
  }
});

test('a pod with scheduling gates waits (SchedulingGated) until the gates are removed', async () => {
  await ensureNs('gated');
  await create('gated', makePod('g', { spec: { schedulingGates: [{ name: 'example.com/wait' }] } }));
  const cond = await eventually<any>(async () => {
    const p = await get('gated', 'g');
    return p.status.conditions?.find((c: any) => c.type === 'PodScheduled');
  }, 'SchedulingGated condition');
  assert.equal(cond.reason, 'SchedulingGated');
  assert.equal((await get('gated', 'g')).spec.nodeName, undefined);
  await tc.client.patch(R.pods, 'gated', 'g', 'merge', { spec: { schedulingGates: null } });
  assert.ok(await eventually(async () => (await get('gated', 'g')).spec.nodeName, 'bound after ungating'));
});

test('a pending pod is retried when a bound pod is deleted and frees room', async () => {
  await ensureNs('room');
  // Occupy all cpu on every node, then ask for more: it waits.
  for (const n of ['n1', 'n2', 'n3'])
    await create('room', makePod(`hog-${n}`, { cpu: '2', spec: { nodeSelector: { 'kubernetes.io/hostname': n }, priority: 0 } }));
  await eventually(async () => (await tc.client.list(R.pods, 'room')).items.every((p) => p.spec.nodeName), 'hogs bound');
  await create('room', makePod('waiter', { cpu: '1', spec: { preemptionPolicy: 'Never' } }));
  const cond = await eventually<any>(
    async () => (await get('room', 'waiter')).status.conditions?.find((c: any) => c.type === 'PodScheduled' && c.status === 'False'),
    'waiter unschedulable',
  );
  assert.equal(cond.message, '0/3 nodes are available: 3 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  await tc.client.delete(R.pods, 'room', 'hog-n2', { gracePeriodSeconds: 0 });
  assert.equal(await eventually(async () => (await get('room', 'waiter')).spec.nodeName, 'waiter bound'), 'n2');
  for (const n of ['n1', 'n3']) await tc.client.delete(R.pods, 'room', `hog-${n}`, { gracePeriodSeconds: 0 });
  await tc.client.delete(R.pods, 'room', 'waiter', { gracePeriodSeconds: 0 });
});
