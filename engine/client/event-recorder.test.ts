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

// Upstream's EventCorrelator (client-go tools/record/events_cache.go), pinned: 10 similar events
// (same object, type and reason) within 10 minutes aggregate, a source gets 25 events per object
// at once and then one every 5 minutes.
const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'ns', uid: 'rs-uid' } };

test('similar events aggregate from the tenth on into one "(combined from similar events)" Event, counted up', async () => {
  const { client, calls } = fakeClient();
  const r = createEventRecorder({ client, component: 'replicaset-controller', now: () => new Date(0) });
  for (let i = 1; i <= 12; i++) r.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: web-1-${i}`);
  await r.flush();
  assert.deepEqual(
    calls.slice(0, 9).map((c) => [c.op, String(c.body.message)]),
    Array.from({ length: 9 }, (_, i) => ['create', `Created pod: web-1-${i + 1}`]),
    'the first nine are Events of their own',
  );
  const combined = calls[9];
  assert.equal(combined.op, 'create');
  assert.equal(combined.body.message, '(combined from similar events): Created pod: web-1-10');
  assert.equal(combined.body.count, 1);
  assert.deepEqual(
    calls.slice(10).map((c) => [c.op, c.name, Number(c.body.count), String(c.body.message)]),
    [
      ['patch', combined.name, 2, '(combined from similar events): Created pod: web-1-11'],
      ['patch', combined.name, 3, '(combined from similar events): Created pod: web-1-12'],
    ],
  );
});

test('a source writes 25 events about one object, then one per 5 minutes; other objects have their own budget', async () => {
  const { client, calls } = fakeClient();
  let t = 0;
  const r = createEventRecorder({ client, component: 'kubelet', host: 'n1', now: () => new Date(t) });
  // Identical events count up one Event; each occurrence still spends a token.
  for (let i = 0; i < 30; i++) r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  await r.flush();
  assert.equal(calls.length, 25);
  assert.deepEqual(calls.at(-1)!.body.count, 25);
  const other = { ...pod, metadata: { ...pod.metadata, name: 'q', uid: 'v' } };
  r.event(other, 'Warning', 'BackOff', 'Back-off restarting failed container');
  await r.flush();
  assert.equal(calls.length, 26, "another object's budget is its own");
  t += 299_000;
  r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  await r.flush();
  assert.equal(calls.length, 26, 'no token before 5 minutes have passed');
  t += 2_000;
  r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  await r.flush();
  assert.equal(calls.length, 27);
  // Dropped occurrences were counted (upstream counts before it filters).
  assert.equal(calls.at(-1)!.body.count, 32);
});

test('similar events more than 10 minutes apart start over, and series are not correlated', async () => {
  const { client, calls } = fakeClient();
  let t = 0;
  const r = createEventRecorder({ client, component: 'replicaset-controller', now: () => new Date(t) });
  for (let i = 1; i <= 9; i++) r.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: web-1-${i}`);
  t += 600_001;
  r.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-1-10');
  await r.flush();
  assert.equal(calls.at(-1)!.body.message, 'Created pod: web-1-10', 'not aggregated: the nine are older than 10 minutes');
  for (let i = 0; i < 30; i++) r.event(pod, 'Normal', 'Pulling', `Pulling image "x": ${i} MB`, 'pull-progress x');
  await r.flush();
  assert.equal(calls.at(-1)!.body.message, 'Pulling image "x": 29 MB', 'progress is neither filtered nor combined');
});
