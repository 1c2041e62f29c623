import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventRecorder } from './event-recorder';
import type { KubeClient } from './types';
import type { KubeObject } from '../kinds/types';

function fakeClient() {
  const calls: { op: string; name?: string; body: KubeObject }[] = [];
  const client = {
    async create(_r: unknown, _ns: string, body: KubeObject) {
      calls.push({ op: 'create', name: body.metadata.name, body });
      return body;
    },
    async patch(_r: unknown, _ns: string, name: string, _t: string, body: KubeObject) {
      calls.push({ op: 'patch', name, body });
      return body;
    },
  } as unknown as KubeClient;
  return { client, calls };
}

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u' } };

test('same message aggregates: count and lastTimestamp, message untouched', async () => {
  const { client, calls } = fakeClient();
  const r = createEventRecorder({ client, component: 'kubelet' });
  r.event(pod, 'Normal', 'Pulling', 'Pulling image "x"');
  r.event(pod, 'Normal', 'Pulling', 'Pulling image "x"');
  r.event(pod, 'Normal', 'Pulling', 'Pulling image "y"');
  await r.flush();
  assert.deepEqual(
    calls.map((c) => c.op),
    ['create', 'patch', 'create'],
  );
  assert.equal(calls[1].body.count, 2);
  assert.equal(calls[1].body.message, undefined);
});

test('a series is one Event whose message follows the latest report', async () => {
  const { client, calls } = fakeClient();
  const r = createEventRecorder({ client, component: 'kubelet' });
  r.event(pod, 'Normal', 'Pulling', 'Pulling image "x"');
  r.event(pod, 'Normal', 'Pulling', 'Pulling image "x": 1 MB of 4 MB', 'pull-progress x');
  r.event(pod, 'Normal', 'Pulling', 'Pulling image "x": 3 MB of 4 MB', 'pull-progress x');
  r.event(pod, 'Normal', 'Pulling', 'Pulling image "x": 4 MB of 4 MB', 'pull-progress x');
  await r.flush();
  assert.deepEqual(
    calls.map((c) => c.op),
    ['create', 'create', 'patch', 'patch'],
  );
  const progressName = calls[1].name;
  assert.notEqual(progressName, calls[0].name, 'the plain Pulling event stays apart');
  assert.deepEqual(
    calls.slice(2).map((c) => [c.name, c.body.count, c.body.message]),
    [
      [progressName, 2, 'Pulling image "x": 3 MB of 4 MB'],
      [progressName, 3, 'Pulling image "x": 4 MB of 4 MB'],
    ],
  );
});
