// A sandbox that cannot be made (sandbox image missing, runtime down) is said on the pod — an
// event and the PodReadyToStartContainers condition — and retried with a growing back-off, so
// the pod runs once the cause is gone without anyone touching it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulatedRuntime } from './simulated-runtime';
import type { SandboxConfig } from './runtime';
import { createPodSyncHarness } from './testing/pod-sync-harness';

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
  const h = createPodSyncHarness(runtime);
  await h.sync(3);
  const { events, retries } = h;
  assert.equal(events.length, 3);
  assert.match(events[0], /^Warning FailedCreatePodSandBox Failed to create pod sandbox: sandbox image "x" is not present/);
  assert.deepEqual(retries, [1000, 2000, 4000]);
  assert.equal(h.status().phase, 'Pending');
  const ready = h.condition('PodReadyToStartContainers')!;
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'FailedCreatePodSandBox');
  assert.match(ready.message ?? '', /cannot be pulled/);
  assert.equal(h.status().containerStatuses[0].state.waiting?.reason, 'ContainerCreating');

  // The cause is gone: the next retry makes the sandbox and starts the container.
  await h.sync();
  await new Promise((r) => setTimeout(r, 20));
  await h.sync();
  assert.equal(h.status().phase, 'Running');
  assert.equal(h.condition('PodReadyToStartContainers')!.status, 'True');
  h.close();
  sim.close();
});
