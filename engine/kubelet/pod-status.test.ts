import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepStored, type PodStatusOut } from './pod-status';

const built = (at: string): PodStatusOut => ({
  phase: 'Running',
  conditions: [
    { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: at },
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at },
  ],
  hostIP: '10.0.0.1',
  hostIPs: [{ ip: '10.0.0.1' }],
  startTime: at,
  containerStatuses: [],
  qosClass: 'BestEffort',
});

test('keepStored: the stored start and transition times win; a changed condition takes the new time', () => {
  const stored = {
    startTime: 'T1',
    conditions: [
      { type: 'Ready', status: 'False' as const, lastTransitionTime: 'T1' },
      { type: 'PodScheduled', status: 'True' as const, lastTransitionTime: 'T0' },
    ],
  };
  const out = keepStored(built('T2'), stored);
  assert.equal(out.startTime, 'T1');
  assert.deepEqual(
    out.conditions.map((c) => [c.type, c.status, c.lastTransitionTime]),
    [
      ['Ready', 'True', 'T2'],
      ['PodScheduled', 'True', 'T0'],
    ],
  );
  assert.equal(keepStored(built('T2'), undefined).startTime, 'T2', 'nothing stored yet');
});

test("keepStored: a condition another writer added after the sync's snapshot stays", () => {
  const disruption = { type: 'DisruptionTarget', status: 'True' as const, reason: 'EvictionByEvictionAPI', lastTransitionTime: 'T1' };
  const out = keepStored(built('T2'), { conditions: [disruption] });
  assert.deepEqual(
    out.conditions.map((c) => c.type),
    ['Ready', 'PodScheduled', 'DisruptionTarget'],
  );
  assert.equal(out.conditions[2], disruption);
});
