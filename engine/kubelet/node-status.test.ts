import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildNodeStatus, DEFAULT_CAPACITY } from './node-status';

type Cond = { type: string; status: string; reason: string; message: string };
const base = { name: 'n', hostIP: '10.0.0.1', capacity: DEFAULT_CAPACITY, runtimeVersion: 'docker://27', bootID: 'b', now: new Date() };
const cond = (s: Record<string, any>, type: string) => (s.conditions as Cond[]).find((c) => c.type === type)!; // eslint-disable-line @typescript-eslint/no-explicit-any -- the status is plain JSON

void test("a full runtime disk is DiskPressure True with the runtime's message; Ready is untouched", () => {
  const full = buildNodeStatus({ ...base, diskPressure: "Docker's disk is full (/var/lib/docker): no space left on device" });
  assert.deepEqual(
    [cond(full, 'DiskPressure').status, cond(full, 'DiskPressure').reason, cond(full, 'DiskPressure').message],
    ['True', 'KubeletHasDiskPressure', "Docker's disk is full (/var/lib/docker): no space left on device"],
  );
  assert.equal(cond(full, 'Ready').status, 'True');
  const fine = buildNodeStatus({ ...base });
  assert.deepEqual([cond(fine, 'DiskPressure').status, cond(fine, 'DiskPressure').reason], ['False', 'KubeletHasNoDiskPressure']);
});
