// A sandbox that cannot be made (sandbox image missing, runtime down) is said on the pod — an
// event and the PodReadyToStartContainers condition — and retried with a growing back-off, so
// the pod runs once the cause is gone without anyone touching it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../kinds/types';
import { createPodSync } from './pod-sync';
import { createSimulatedRuntime } from './simulated-runtime';
import type { SandboxConfig } from './runtime';

void test('sandbox failures become events and a condition, retried with back-off until they pass', async () => {
  const sim = createSimulatedRuntime({ startDelayMs: 0 });
  let failures = 3;
  const runtime = {
    ...sim,
    version: sim.version,
    ensureSandbox: async (cfg: SandboxConfig) => {
      if (failures-- > 0) throw new Error('sandbox image "x" is not present and cannot be pulled (no registry)');
      return sim.ensureSandbox(cfg);
    },
  };
  const events: string[] = [];
  const retries: number[] = [];
  type Cond = { type: string; status: string; reason?: string; message?: string };
  type Status = { phase: string; conditions: Cond[]; containerStatuses: { state: { waiting?: { reason: string } } }[] };
  let status = {} as Status;
  const cond = (type: string) => status.conditions.find((c) => c.type === type)!;
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
  for (let i = 0; i < 3; i++) {
    await sync.sync(pod);
    pod.status = status;
  }
  assert.equal(events.length, 3);
  assert.match(events[0], /^Warning FailedCreatePodSandBox Failed to create pod sandbox: sandbox image "x" is not present/);
  assert.deepEqual(retries, [1000, 2000, 4000]);
  assert.equal(status.phase, 'Pending');
  const ready = cond('PodReadyToStartContainers');
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'FailedCreatePodSandBox');
  assert.match(ready.message ?? '', /cannot be pulled/);
  assert.equal(status.containerStatuses[0].state.waiting?.reason, 'ContainerCreating');

  // The cause is gone: the next retry makes the sandbox and starts the container.
  await sync.sync(pod);
  pod.status = status;
  await new Promise((r) => setTimeout(r, 20));
  await sync.sync(pod);
  assert.equal(status.phase, 'Running');
  assert.equal(cond('PodReadyToStartContainers').status, 'True');
  sync.close();
  sim.close();
});
