import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually, type TestCluster } from '../apiserver/testing/test-cluster';
import { R } from '../client/types';
import type { KubeObject } from '../kinds/types';
import { createInformerFactory } from '../client/informer-factory';
import { createEventRecorder } from '../client/event-recorder';
import type { ControllerDeps } from './types';
import { createReplicaSetController } from './replicaset';
import { createReplicationControllerController } from './replication-controller';
import { podsToDelete } from './replica-pods';

const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'x' }] } });

async function podsOf(client: TestCluster['client'], app: string) {
  return (await client.list(R.pods, 'default', { labelSelector: `app=${app}` })).items;
}

async function waitPods(client: TestCluster['client'], app: string, n: number): Promise<KubeObject[]> {
  let pods: KubeObject[] = [];
  await eventually(async () => (pods = await podsOf(client, app)).length === n, `${n} ${app} pods`);
  return pods;
}

async function markReady(client: TestCluster['client'], pod: KubeObject) {
  const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await client.patch(
    R.pods,
    'default',
    pod.metadata.name!,
    'merge',
    {
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] },
    },
    { subresource: 'status' },
  );
}

describe('replicaset controller', () => {
  let tc: TestCluster;
  let stop: () => void;
  before(async () => {
    tc = await startTestCore();
    const informers = createInformerFactory(tc.client);
    const events = createEventRecorder({ client: tc.client, component: 'test' });
    const deps: ControllerDeps = { client: tc.client, informers, events, log: () => {}, now: () => new Date() };
    const cs = [createReplicaSetController(deps), createReplicationControllerController(deps)];
    for (const c of cs) await c.start();
    await informers.start();
    stop = () => {
      cs.forEach((c) => c.stop());
      informers.stop();
    };
  });
  after(async () => {
    stop();
    await tc.close();
  });

  test('creates, scales and reports status', async () => {
    await tc.client.create(R.replicasets, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template('web') },
    });
    const pods = await waitPods(tc.client, 'web', 3);
    for (const p of pods) {
      assert.match(p.metadata.name!, /^web-[a-z0-9]{5}$/);
      const ref = p.metadata.ownerReferences![0];
      assert.equal(ref.kind, 'ReplicaSet');
      assert.equal(ref.controller, true);
      assert.equal(ref.blockOwnerDeletion, true);
    }
    await markReady(tc.client, pods[0]);
    await eventually(async () => {
      const rs = await tc.client.get(R.replicasets, 'default', 'web');
      return (
        rs.status.replicas === 3 &&
        rs.status.readyReplicas === 1 &&
        rs.status.availableReplicas === 1 &&
        rs.status.fullyLabeledReplicas === 3 &&
        rs.status.observedGeneration === 1
      );
    }, 'status');
    await tc.client.patch(R.replicasets, 'default', 'web', 'merge', { spec: { replicas: 1 } });
    await eventually(async () => (await podsOf(tc.client, 'web')).length === 1, 'scaled down to 1');
    // The ready pod survives: not-ready ones go first.
    assert.equal((await podsOf(tc.client, 'web'))[0].metadata.name, pods[0].metadata.name);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await podsOf(tc.client, 'web')).length, 1, 'no extra pods from a lagging cache');
  });

  test('adopts a matching orphan and releases a pod that stops matching', async () => {
    await tc.client.create(R.pods, 'default', { metadata: { name: 'orphan', labels: { app: 'adopt' } }, spec: template('adopt').spec });
    await tc.client.create(R.replicasets, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'adopt' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'adopt' } }, template: template('adopt') },
    });
    await eventually(async () => (await podsOf(tc.client, 'adopt')).length === 2, '2 pods');
    const orphan = await tc.client.get(R.pods, 'default', 'orphan');
    assert.equal(orphan.metadata.ownerReferences?.[0]?.name, 'adopt');
    await tc.client.patch(R.pods, 'default', 'orphan', 'merge', { metadata: { labels: { app: 'gone' } } });
    await eventually(async () => {
      const o = await tc.client.get(R.pods, 'default', 'orphan');
      return !o.metadata.ownerReferences?.length && (await podsOf(tc.client, 'adopt')).length === 2;
    }, 'released and replaced');
  });

  test('replication controller keeps replicas with a map selector', async () => {
    await tc.client.create(R.replicationcontrollers, 'default', {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'rc' },
      spec: { replicas: 2, selector: { app: 'rc' }, template: template('rc') },
    });
    const pods = await waitPods(tc.client, 'rc', 2);
    assert.equal(pods[0].metadata.ownerReferences![0].kind, 'ReplicationController');
    const events = (await tc.client.list(R.events, 'default')).items.filter((e) => e.involvedObject.name === 'rc');
    assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && /^Created pod: rc-/.test(e.message)));
  });
});

test('podsToDelete prefers unscheduled, then not-ready, then newest', () => {
  const pod = (name: string, nodeName: string | undefined, ready: boolean, created: string): KubeObject => ({
    metadata: { name, creationTimestamp: created },
    spec: { nodeName },
    status: { phase: nodeName ? 'Running' : 'Pending', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
  const pods = [
    pod('old-ready', 'n1', true, '2024-01-01T00:00:00Z'),
    pod('new-ready', 'n2', true, '2024-01-02T00:00:00Z'),
    pod('unready', 'n3', false, '2024-01-01T00:00:00Z'),
    pod('unscheduled', undefined, false, '2023-01-01T00:00:00Z'),
  ];
  assert.deepEqual(
    podsToDelete(pods, 3).map((p) => p.metadata.name),
    ['unscheduled', 'unready', 'new-ready'],
  );
});

test('expectations: a lagging pod informer does not cause extra pods', async () => {
  const tc = await startTestCore();
  // Pod watch events arrive 300 ms late, as from a busy API server.
  const slow: TestCluster['client'] = {
    ...tc.client,
    watch(res, ns, opts, onEvent, onClose) {
      if (res.plural !== 'pods') return tc.client.watch(res, ns, opts, onEvent, onClose);
      return tc.client.watch(res, ns, opts, (t, o) => setTimeout(() => onEvent(t, o), 300), onClose);
    },
  };
  const informers = createInformerFactory(slow);
  const events = createEventRecorder({ client: tc.client, component: 'test' });
  const c = createReplicaSetController({ client: slow, informers, events, log: () => {}, now: () => new Date() });
  await c.start();
  await informers.start();
  try {
    await tc.client.create(R.replicasets, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'lag' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'lag' } }, template: template('lag') },
    });
    await waitPods(tc.client, 'lag', 3);
    // Status writes and RS updates trigger more syncs while the cache still shows no pods.
    await tc.client.patch(R.replicasets, 'default', 'lag', 'merge', { metadata: { labels: { touched: 'yes' } } });
    let most = 0;
    for (const end = Date.now() + 700; Date.now() < end; ) {
      most = Math.max(most, (await podsOf(tc.client, 'lag')).length);
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(most, 3, 'never more than 3 pods');
    await events.flush();
    const created = (await tc.client.list(R.events, 'default')).items.filter(
      (e) => e.involvedObject.name === 'lag' && e.reason === 'SuccessfulCreate',
    );
    assert.equal(created.length, 3);
  } finally {
    c.stop();
    informers.stop();
    await tc.close();
  }
});

test('availableReplicas waits for minReadySeconds', async () => {
  const tc = await startTestCore();
  const informers = createInformerFactory(tc.client);
  const events = createEventRecorder({ client: tc.client, component: 'test' });
  // The controller's clock runs an hour behind until the test lets it catch up, so "not yet
  // available" holds however slowly a loaded machine runs the steps between.
  let behindMs = 3_600_000;
  const c = createReplicaSetController({ client: tc.client, informers, events, log: () => {}, now: () => new Date(Date.now() - behindMs) });
  await c.start();
  await informers.start();
  try {
    await tc.client.create(R.replicasets, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'slow' },
      spec: { replicas: 1, minReadySeconds: 1, selector: { matchLabels: { app: 'slow' } }, template: template('slow') },
    });
    const [pod] = await waitPods(tc.client, 'slow', 1);
    await markReady(tc.client, pod);
    await eventually(async () => (await tc.client.get(R.replicasets, 'default', 'slow')).status.readyReplicas === 1, 'ready');
    assert.equal((await tc.client.get(R.replicasets, 'default', 'slow')).status.availableReplicas, undefined);
    behindMs = 0;
    await tc.client.patch(R.pods, 'default', pod.metadata.name!, 'merge', { metadata: { labels: { nudge: '1' } } });
    await eventually(
      async () => (await tc.client.get(R.replicasets, 'default', 'slow')).status.availableReplicas === 1,
      'available after 1s',
      3000,
    );
  } finally {
    c.stop();
    informers.stop();
    await tc.close();
  }
});
