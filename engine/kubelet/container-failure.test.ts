// A container the runtime will not make or start (Docker's disk full) is said on the pod — a
// Failed event and the CreateContainerError/RunContainerError waiting reason with the runtime's
// message — and retried with a growing back-off until it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../kinds/types';
import { createPodSync } from './pod-sync';
import { createSimulatedRuntime } from './simulated-runtime';
import type { ContainerConfig } from './runtime';

void test('container create failures become a waiting reason and a Failed event, retried with back-off', async () => {
  const sim = createSimulatedRuntime({ startDelayMs: 0 });
  let failures = 2;
  const full = "Docker's disk is full (/var/lib/docker): no space left on device. Free space for Docker";
  const runtime = {
    ...sim,
    version: sim.version,
    createContainer: async (cfg: ContainerConfig) => {
      if (failures-- > 0) throw new Error(full);
      return sim.createContainer(cfg);
    },
  };
  const events: string[] = [];
  const retries: number[] = [];
  type Status = { phase: string; containerStatuses: { state: { waiting?: { reason: string; message?: string } } }[] };
  let status = {} as Status;
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u1' },
    spec: { nodeName: 'n', restartPolicy: 'Always', containers: [{ name: 'app', image: 'busybox' }] },
  };
  const sync = createPodSync({
    runtime,
    hostIP: '10.0.0.1',
    now: () => new Date(),
    backoffBaseMs: 1000,
    event: (_p, type, reason, message) => events.push(`${type} ${reason} ${message}`),
    writeStatus: (_p, s) => (status = s as Status),
    deletePod: async () => {},
    resyncAfter: (_p, ms) => retries.push(ms),
  });
  for (let i = 0; i < 2; i++) {
    await sync.sync(pod);
    pod.status = status;
  }
  const failed = events.filter((e) => e.startsWith('Warning Failed'));
  assert.deepEqual(failed, [`Warning Failed Error: ${full}`, `Warning Failed Error: ${full}`]);
  assert.deepEqual(retries, [1000, 2000]);
  assert.equal(status.phase, 'Pending');
  assert.deepEqual(status.containerStatuses[0].state.waiting, { reason: 'CreateContainerError', message: full });

  // Space freed: the next retry makes and starts the container.
  await sync.sync(pod);
  pod.status = status;
  await new Promise((r) => setTimeout(r, 20));
  await sync.sync(pod);
  assert.equal(status.phase, 'Running');
  sync.close();
  sim.close();
});
