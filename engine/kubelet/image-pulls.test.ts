// The kubelet's image-pull step through pod-sync: events and waiting states, with the simulated runtime's pullImage
// replaced by scripted pulls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPodSync } from './pod-sync';
import { createSimulatedRuntime } from './simulated-runtime';
import type { PullImageOptions } from './runtime';
import { goDuration } from './image-pulls';

function setup(pull: (image: string, o: PullImageOptions) => Promise<string>) {
  let nowMs = 1_000_000;
  const runtime = createSimulatedRuntime({ startDelayMs: 0, now: () => new Date(nowMs) });
  runtime.pullImage = (image, o) => pull(image, o ?? {});
  const events: string[] = [];
  const series: (string | undefined)[] = [];
  const statuses: any[] = [];
  const sync = createPodSync({
    runtime,
    hostIP: '10.0.0.1',
    now: () => new Date(nowMs),
    backoffBaseMs: 10_000,
    event: (_p, type, reason, message, s) => {
      events.push(`${type} ${reason} ${message}`);
      series.push(s);
    },
    writeStatus: (_p, st) => statuses.push(st),
    deletePod: async () => {},
    resyncAfter: () => {},
  });
  const pod: any = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
    spec: {
      containers: [{ name: 'app', image: 'reg:5000/app:v1', imagePullPolicy: 'IfNotPresent' }],
      imagePullSecrets: [{ name: 'cred' }],
    },
    status: { phase: 'Pending' },
  };
  const waitingOf = () => statuses.at(-1)?.containerStatuses?.[0]?.state?.waiting;
  return {
    sync,
    pod,
    events,
    series,
    advance: (ms: number) => {
      nowMs += ms;
    },
    waitingOf,
    close: () => {
      sync.close();
      runtime.close();
    },
  };
}

test('a pull: Pulling, one progress series, Pulled with Go durations and size; the pod and policy reach the runtime', async () => {
  let seen: PullImageOptions | undefined;
  const t = setup(async (_i, o) => {
    seen = o;
    o.report?.({ kind: 'pulling' });
    o.report?.({ kind: 'progress', message: 'Pulling image "reg:5000/app:v1": 1.0 MB of 2.0 MB downloaded, 0 of 1 layers done' });
    o.report?.({ kind: 'progress', message: 'Pulling image "reg:5000/app:v1": 2.0 MB of 2.0 MB downloaded, 0 of 1 layers done' });
    o.report?.({ kind: 'pulled', pullMs: 2345, sizeBytes: 4242 });
    return 'sha256:x';
  });
  await t.sync.sync(t.pod);
  assert.equal(seen?.policy, 'IfNotPresent');
  assert.equal(seen?.pod?.spec.imagePullSecrets[0].name, 'cred');
  assert.deepEqual(
    t.events.slice(0, 4).map((e) => e.replace(/\(\d+(\.\d+)?m?s including/, '(W including')),
    [
      'Normal Pulling Pulling image "reg:5000/app:v1"',
      'Normal Pulling Pulling image "reg:5000/app:v1": 1.0 MB of 2.0 MB downloaded, 0 of 1 layers done',
      'Normal Pulling Pulling image "reg:5000/app:v1": 2.0 MB of 2.0 MB downloaded, 0 of 1 layers done',
      'Normal Pulled Successfully pulled image "reg:5000/app:v1" in 2.345s (W including waiting). Image size: 4242 bytes.',
    ],
  );
  assert.equal(t.series[0], undefined);
  assert.ok(t.series[1] && t.series[1] === t.series[2], 'progress reports share one series');
  assert.ok(t.events.includes('Normal Created Created container: app'));
  t.close();
});

test('a present image: only "already present on machine"', async () => {
  const t = setup(async () => 'sha256:x');
  await t.sync.sync(t.pod);
  assert.deepEqual(
    t.events.filter((e) => / Pull(ing|ed) /.test(e)),
    ['Normal Pulled Container image "reg:5000/app:v1" already present on machine'],
  );
  t.close();
});

test('a failed pull: ErrImagePull for a while, then ImagePullBackOff with the cause, then a retry', async () => {
  let calls = 0;
  const t = setup(async (_i, o) => {
    calls++;
    o.report?.({ kind: 'pulling' });
    throw Object.assign(new Error('Failed to pull image "reg:5000/app:v1": unauthorized'), { reason: 'ErrImagePull' });
  });
  await t.sync.sync(t.pod);
  assert.deepEqual(t.waitingOf(), { reason: 'ErrImagePull', message: 'Failed to pull image "reg:5000/app:v1": unauthorized' });
  assert.ok(t.events.includes('Warning Failed Failed to pull image "reg:5000/app:v1": unauthorized'));
  assert.ok(t.events.includes('Warning Failed Error: ErrImagePull'));
  t.advance(1000);
  await t.sync.sync(t.pod); // our own status write syncs again at once: still ErrImagePull
  assert.equal(t.waitingOf().reason, 'ErrImagePull');
  assert.equal(calls, 1);
  t.advance(4500);
  await t.sync.sync(t.pod);
  assert.deepEqual(t.waitingOf(), {
    reason: 'ImagePullBackOff',
    message: 'Back-off pulling image "reg:5000/app:v1": ErrImagePull: Failed to pull image "reg:5000/app:v1": unauthorized',
  });
  assert.ok(t.events.includes('Normal BackOff Back-off pulling image "reg:5000/app:v1"'));
  assert.ok(t.events.includes('Warning Failed Error: ImagePullBackOff'));
  assert.equal(calls, 1);
  t.advance(5000);
  await t.sync.sync(t.pod);
  assert.equal(calls, 2, 'the back-off is over: pull again');
  t.close();
});

test('Never with a missing image: ErrImageNeverPull with its own event, and no back-off', async () => {
  const t = setup(async () => {
    throw Object.assign(new Error('Container image "reg:5000/app:v1" is not present with pull policy of Never'), {
      reason: 'ErrImageNeverPull',
    });
  });
  for (let i = 0; i < 3; i++) {
    await t.sync.sync(t.pod);
    assert.deepEqual(t.waitingOf(), {
      reason: 'ErrImageNeverPull',
      message: 'Container image "reg:5000/app:v1" is not present with pull policy of Never',
    });
    t.advance(6000);
  }
  assert.ok(t.events.includes('Warning ErrImageNeverPull Container image "reg:5000/app:v1" is not present with pull policy of Never'));
  assert.ok(t.events.includes('Warning Failed Error: ErrImageNeverPull'));
  assert.ok(!t.events.some((e) => e.includes('BackOff')));
  t.close();
});

test('runtime events (a missing pull Secret) become pod events', async () => {
  const t = setup(async (_i, o) => {
    o.report?.({
      kind: 'event',
      type: 'Warning',
      reason: 'FailedToRetrieveImagePullSecret',
      message: 'Unable to retrieve some image pull secrets (cred); attempting to pull the image may not succeed.',
    });
    return 'sha256:x';
  });
  await t.sync.sync(t.pod);
  assert.ok(
    t.events.includes(
      'Warning FailedToRetrieveImagePullSecret Unable to retrieve some image pull secrets (cred); attempting to pull the image may not succeed.',
    ),
  );
  t.close();
});

test('durations print as Go prints them', () => {
  assert.equal(goDuration(0), '0s');
  assert.equal(goDuration(523), '523ms');
  assert.equal(goDuration(1000), '1s');
  assert.equal(goDuration(1234), '1.234s');
  assert.equal(goDuration(15_980), '15.98s');
  assert.equal(goDuration(60_000), '1m0s');
  assert.equal(goDuration(62_500), '1m2.5s');
  assert.equal(goDuration(3_600_000 + 5_000), '1h0m5s');
});
