import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podWhy } from './pod-why';
import type { KubeEvent } from './events';
import type { KubeObject } from './types';

const pod = (status: Record<string, unknown>, spec: Record<string, unknown> = { nodeName: 'n1' }): KubeObject => ({
  metadata: { name: 'p' },
  spec,
  status,
});
const warning = (reason: string, message: string, at = '2026-01-01T00:00:00Z'): KubeEvent => ({
  metadata: { name: reason },
  type: 'Warning',
  reason,
  message,
  lastTimestamp: at,
});

void test('an image that cannot be pulled reads "ErrImagePull: <message>", in back-off too', () => {
  const w = podWhy(
    pod({
      phase: 'Pending',
      containerStatuses: [{ name: 'c', state: { waiting: { reason: 'ErrImagePull', message: 'connection refused' } } }],
    }),
  );
  assert.deepEqual([w?.reason, w?.message], ['ErrImagePull', 'connection refused']);
  const ours = podWhy(
    pod({
      phase: 'Pending',
      containerStatuses: [
        { name: 'c', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x": ErrImagePull: refused' } } },
      ],
    }),
  );
  assert.equal(`${ours?.reason}: ${ours?.message}`, 'ErrImagePull: refused (retrying with back-off)');
  // Upstream kubelets keep the detail in the Failed event.
  const upstream = podWhy(
    pod({
      phase: 'Pending',
      containerStatuses: [{ name: 'c', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"' } } }],
    }),
    [warning('Failed', 'Failed to pull image "x": not found')],
  );
  assert.match(`${upstream?.reason}: ${upstream?.message}`, /^ErrImagePull: Failed to pull image "x": not found/);
});

void test('scheduling failures, sandbox failures and probes say what the status or the events say', () => {
  const unsched = podWhy(
    pod(
      {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' }],
      },
      {},
    ),
  );
  assert.equal(`${unsched?.reason}: ${unsched?.message}`, 'Unschedulable: 0/1 nodes are available');
  const sandbox = podWhy(
    pod({ phase: 'Pending', containerStatuses: [{ name: 'c', state: { waiting: { reason: 'ContainerCreating' } } }] }),
    [warning('FailedCreatePodSandBox', 'pause image missing')],
  );
  assert.equal(`${sandbox?.reason}: ${sandbox?.message}`, 'FailedCreatePodSandBox: pause image missing');
  const probe = podWhy(
    pod({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'c', ready: false, state: { running: {} } }],
    }),
    [warning('Unhealthy', 'Readiness probe failed: 503')],
  );
  assert.equal(`${probe?.reason}: ${probe?.message}`, 'Unhealthy: Readiness probe failed: 503');
});

void test('crashes give the last exit code and reason; OOM kills are named', () => {
  const crash = podWhy(
    pod({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'c',
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 3, reason: 'Error' } },
        },
      ],
    }),
  );
  assert.match(
    `${crash?.reason}: ${crash?.message}`,
    /^CrashLoopBackOff: .*last exit code 3; restarted 4 times; waiting to restart \(back-off\)$/,
  );
  // The kubelet's waiting message gives the current delay.
  const waitingWithDelay = podWhy(
    pod({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'c',
          restartCount: 2,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=c pod=p_default(u)' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error' } },
        },
      ],
    }),
  );
  assert.equal(
    waitingWithDelay?.message,
    'container c keeps exiting: last exit code 1; restarted 2 times; waiting to restart (back-off 20s)',
  );
  const oom = podWhy(
    pod({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'c',
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
        },
      ],
    }),
  );
  assert.equal(oom?.reason, 'OOMKilled');
  assert.equal(
    podWhy(
      pod({
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'c', ready: true, state: { running: {} } }],
      }),
    ),
    undefined,
  );
});
