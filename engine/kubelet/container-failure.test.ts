// A container the runtime will not make or start (Docker's disk full) is said on the pod — a
// Failed event and the CreateContainerError/RunContainerError waiting reason with the runtime's
// message — and retried with a growing back-off until it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulatedRuntime } from './simulated-runtime';
import type { ContainerConfig } from './runtime';
import { createPodSyncHarness } from './testing/pod-sync-harness';

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
  const h = createPodSyncHarness(runtime);
  await h.sync(2);
  const failed = h.events.filter((e) => e.startsWith('Warning Failed'));
  assert.deepEqual(failed, [`Warning Failed Error: ${full}`, `Warning Failed Error: ${full}`]);
  assert.deepEqual(h.retries, [1000, 2000]);
  assert.equal(h.status().phase, 'Pending');
  assert.deepEqual(h.status().containerStatuses[0].state.waiting, { reason: 'CreateContainerError', message: full });

  // Space freed: the next retry makes and starts the container.
  await h.sync();
  await new Promise((r) => setTimeout(r, 20));
  await h.sync();
  assert.equal(h.status().phase, 'Running');
  h.close();
  sim.close();
});
