import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizePod, readinessGates } from './pod-status';
import type { KubeObject } from './types';

const now = Date.parse('2024-05-01T12:00:00Z');

function pod(spec: any, status: any, metadata: any = {}): KubeObject {
  return { metadata: { name: 'p', ...metadata }, spec, status };
}
const one = { containers: [{ name: 'a', image: 'x' }] };
const two = {
  containers: [
    { name: 'a', image: 'x' },
    { name: 'b', image: 'y' },
  ],
};
const running = { running: { startedAt: '2024-05-01T11:00:00Z' } };

test('pending pod without statuses shows Pending 0/1', () => {
  assert.deepEqual(summarizePod(pod(one, { phase: 'Pending' }), now), { ready: '0/1', status: 'Pending', restarts: '0' });
});

test('waiting container reason wins: ContainerCreating, CrashLoopBackOff', () => {
  const p = pod(one, {
    phase: 'Pending',
    containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
  });
  assert.equal(summarizePod(p, now).status, 'ContainerCreating');
  const c = pod(one, {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'a',
        ready: false,
        restartCount: 5,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, finishedAt: '2024-05-01T11:55:00Z' } },
      },
    ],
  });
  assert.deepEqual(summarizePod(c, now), { ready: '0/1', status: 'CrashLoopBackOff', restarts: '5 (5m ago)' });
});

test('running pod with one of two containers ready', () => {
  const p = pod(two, {
    phase: 'Running',
    containerStatuses: [
      { name: 'a', ready: true, restartCount: 0, state: running },
      { name: 'b', ready: false, restartCount: 0, state: running },
    ],
  });
  assert.deepEqual(summarizePod(p, now), { ready: '1/2', status: 'Running', restarts: '0' });
});

test('completed pod and completed container next to a running one', () => {
  const done = pod(one, {
    phase: 'Succeeded',
    containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
  });
  assert.equal(summarizePod(done, now).status, 'Completed');
  const mixed = pod(two, {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [
      { name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      { name: 'b', ready: true, restartCount: 0, state: running },
    ],
  });
  assert.equal(summarizePod(mixed, now).status, 'NotReady');
});

test('terminated without reason shows exit code or signal', () => {
  const p = pod(one, {
    phase: 'Failed',
    containerStatuses: [{ name: 'a', restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }],
  });
  assert.equal(summarizePod(p, now).status, 'Signal:9');
  const q = pod(one, { phase: 'Failed', containerStatuses: [{ name: 'a', restartCount: 0, state: { terminated: { exitCode: 2 } } }] });
  assert.equal(summarizePod(q, now).status, 'ExitCode:2');
});

test('init containers: progress, waiting reasons and failures', () => {
  const spec = {
    initContainers: [
      { name: 'i1', image: 'x' },
      { name: 'i2', image: 'x' },
    ],
    containers: [{ name: 'a', image: 'x' }],
  };
  const first = pod(spec, {
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'i1', restartCount: 0, state: running },
      { name: 'i2', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
    ],
  });
  assert.equal(summarizePod(first, now).status, 'Init:0/2');
  const second = pod(spec, {
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'i1', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      { name: 'i2', restartCount: 0, state: running },
    ],
  });
  assert.equal(summarizePod(second, now).status, 'Init:1/2');
  const crash = pod(spec, {
    phase: 'Pending',
    initContainerStatuses: [{ name: 'i1', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
  });
  assert.deepEqual(summarizePod(crash, now), { ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '3' });
  const failed = pod(spec, {
    phase: 'Failed',
    initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } }],
  });
  assert.equal(summarizePod(failed, now).status, 'Init:Error');
});

test('sidecar init containers count toward READY', () => {
  const spec = { initContainers: [{ name: 's', image: 'x', restartPolicy: 'Always' }], containers: [{ name: 'a', image: 'x' }] };
  const p = pod(spec, {
    phase: 'Running',
    conditions: [{ type: 'Initialized', status: 'True' }],
    initContainerStatuses: [{ name: 's', ready: true, started: true, restartCount: 1, state: running }],
    containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: running }],
  });
  assert.deepEqual(summarizePod(p, now), { ready: '2/2', status: 'Running', restarts: '1' });
});

test('deletion states: Terminating, Unknown for lost nodes, NodeLost, SchedulingGated', () => {
  const term = pod(one, { phase: 'Running' }, { deletionTimestamp: '2024-05-01T11:59:00Z' });
  assert.equal(summarizePod(term, now).status, 'Terminating');
  const doneDeleting = pod(one, { phase: 'Succeeded' }, { deletionTimestamp: '2024-05-01T11:59:00Z' });
  assert.equal(summarizePod(doneDeleting, now).status, 'Succeeded');
  const lost = pod(one, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: '2024-05-01T11:59:00Z' });
  assert.equal(summarizePod(lost, now).status, 'Unknown');
  assert.equal(summarizePod(pod(one, { phase: 'Running', reason: 'NodeLost' }), now).status, 'NodeLost');
  const gated = pod(one, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
  assert.equal(summarizePod(gated, now).status, 'SchedulingGated');
  assert.equal(summarizePod(pod(one, { phase: 'Failed', reason: 'Evicted' }), now).status, 'Evicted');
});

test('readiness gates column', () => {
  assert.equal(readinessGates(pod(one, {})), '<none>');
  const p = pod(
    { ...one, readinessGates: [{ conditionType: 'x' }, { conditionType: 'y' }] },
    { conditions: [{ type: 'x', status: 'True' }] },
  );
  assert.equal(readinessGates(p), '1/2');
});
