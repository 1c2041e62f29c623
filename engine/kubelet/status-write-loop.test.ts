// A sync that began before the kubelet's previous status write landed must not undo that write's
// times: it did, and two syncs a pod then rewrote startTime and the conditions' transition times
// back and forth for as long as the pod ran (a hundred writes a second with 10 idle Docker pods).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually } from '../apiserver/testing/test-cluster';
import { R } from '../client/types';
import type { KubeObject } from '../kinds/types';
import { createKubelet } from './kubelet';
import { createSimulatedRuntime } from './simulated-runtime';
import { createWriteQueue } from './status-writer';
import type { ContainerRuntime } from './runtime';

void test('a running pod settles: a sync from an older snapshot keeps the stored start and transition times', async (t) => {
  const c = await startTestCore();
  const writes = createWriteQueue();
  const sim = createSimulatedRuntime({ startDelayMs: 10 });
  // Slow lists, as Docker's are: a sync lasts longer than a status write takes to come back.
  const runtime = Object.assign(Object.create(sim) as ContainerRuntime, {
    listContainers: async (uid?: string) => {
      await new Promise((r) => setTimeout(r, 20));
      return sim.listContainers(uid);
    },
  });
  // Every reading of the clock is a new second, so any time taken from a stale snapshot differs.
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const now = () => new Date((clock += 1000));
  const kubelet = createKubelet({ client: c.client, nodeName: 'loop-node', runtime, writes, hostIP: '10.0.0.7', now });
  const w = c.client.watch(
    R.pods,
    'default',
    {},
    (type, obj) => (type === 'DELETED' ? kubelet.podDeleted(obj) : kubelet.podChanged(obj)),
    () => {},
  );
  t.after(async () => {
    w.stop();
    kubelet.stop();
    sim.close();
    writes.stop();
    await c.close();
  });
  await kubelet.start();

  await c.client.create(R.pods, 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'steady', namespace: 'default' },
    spec: { nodeName: 'loop-node', containers: [{ name: 'app', image: 'busybox' }] },
  });
  type Seen = KubeObject & { status?: { phase?: string; startTime?: string } };
  const get = async () => (await c.client.get(R.pods, 'default', 'steady')) as Seen;
  await eventually(async () => (await get()).status?.phase === 'Running', 'the pod Running');
  // Poke it a few times, as Docker events and informer resyncs do, each racing the last write.
  for (let i = 0; i < 5; i++) {
    kubelet.podChanged(await get());
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 300));
  const settled = await get();
  await new Promise((r) => setTimeout(r, 1000));
  const later = await get();
  assert.equal(later.metadata.resourceVersion, settled.metadata.resourceVersion, 'no status writes once the pod is steady');
  assert.equal(later.status?.startTime, settled.status?.startTime);
});
