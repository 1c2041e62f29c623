// A runtime disk nearly full (or full) is said on the Node twice: the DiskPressure condition with
// the runtime's words, and an event when it flips (NodeHasDiskPressure / NodeHasNoDiskPressure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually } from '../apiserver/testing/test-cluster';
import { R } from '../client/types';
import type { KubeObject } from '../kinds/types';
import { createKubelet } from './kubelet';
import { createSimulatedRuntime } from './simulated-runtime';
import { createWriteQueue } from './status-writer';

type Cond = { type: string; status: string; reason: string; message: string };
const diskCond = (n: KubeObject) => ((n.status as { conditions?: Cond[] }).conditions ?? []).find((c) => c.type === 'DiskPressure')!;

void test('DiskPressure follows the runtime, with an event each time it flips', async (t) => {
  const c = await startTestCore();
  const writes = createWriteQueue();
  const runtime = createSimulatedRuntime({ startDelayMs: 10 });
  let pressure: string | undefined;
  const kubelet = createKubelet({
    client: c.client,
    nodeName: 'disk-node',
    runtime,
    writes,
    hostIP: '10.0.0.9',
    diskPressure: () => pressure,
  });
  t.after(async () => {
    kubelet.stop();
    runtime.close();
    writes.stop();
    await c.close();
  });
  const node = () => c.client.get(R.nodes, undefined, 'disk-node');
  const events = async () =>
    (await c.client.list(R.events, 'default')).items
      .filter((e) => (e.involvedObject as { name?: string }).name === 'disk-node')
      .map((e) => `${String(e.type)} ${String(e.reason)} ${String(e.message)}`);

  await kubelet.start();
  assert.equal(diskCond(await node()).status, 'False');

  pressure = "Docker's disk is almost full (/var/lib/docker): 3.0 GiB free of 100.0 GiB (3.0 %). Free space for Docker";
  kubelet.refreshNodeStatus();
  await eventually(async () => diskCond(await node()).status === 'True', 'DiskPressure True');
  const cond = diskCond(await node());
  assert.equal(cond.reason, 'KubeletHasDiskPressure');
  assert.equal(cond.message, pressure);
  const warned = (await eventually(
    async () => (await events()).find((e) => e.startsWith('Warning NodeHasDiskPressure')),
    'the warning event',
  )) as string;
  assert.equal(warned, `Warning NodeHasDiskPressure Node disk-node status is now: NodeHasDiskPressure: ${pressure}`);

  pressure = undefined;
  kubelet.refreshNodeStatus();
  await eventually(async () => diskCond(await node()).status === 'False', 'DiskPressure False again');
  await eventually(async () => (await events()).some((e) => e.startsWith('Normal NodeHasNoDiskPressure')), 'the all-clear event');
  assert.equal((await events()).filter((e) => e.includes('NodeHasDiskPressure')).length, 1, 'one warning per flip');
});
