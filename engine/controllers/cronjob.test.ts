import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R, type KubeClient } from '../client/types';
import { createCronJobController } from './cronjob';
import { container, startKit, waitFor } from './testing/statefulset-test-kit';

const cronjob = (spec: Record<string, any> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'tick', namespace: 'default' },
  spec: {
    schedule: '*/5 * * * *',
    timeZone: 'UTC',
    jobTemplate: {
      metadata: { labels: { app: 'tick' } },
      spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [container] } } },
    },
    ...spec,
  },
});
const jobNames = async (c: KubeClient) =>
  (await c.list(R.jobs, 'default')).items
    .filter((j) => !j.metadata.deletionTimestamp)
    .map((j) => j.metadata.name)
    .sort();
const poke = (c: KubeClient, v: string) => c.patch(R.cronjobs, 'default', 'tick', 'merge', { metadata: { annotations: { poke: v } } });
const finish = (c: KubeClient, name: string, type: 'Complete' | 'Failed') =>
  c.patch(
    R.jobs,
    'default',
    name,
    'merge',
    {
      status: {
        ...(type === 'Complete' ? { completionTime: '2026-01-01T00:06:00Z', succeeded: 1 } : { failed: 1 }),
        startTime: '2026-01-01T00:05:00Z',
        conditions: [
          ...(type === 'Complete' ? [{ type: 'SuccessCriteriaMet', status: 'True' }] : [{ type: 'FailureTarget', status: 'True' }]),
          { type, status: 'True' },
        ],
      },
    },
    { subresource: 'status' },
  );

// The CronJob is created "now" (real time); the fake clock then jumps to schedule points after it.
const start = Date.now();
const minute = 60_000;
const at5 = Math.ceil((start + 1000) / (5 * minute)) * 5 * minute; // next */5 point after creation

test('creates a Job per schedule time, named by scheduled minute, and tracks status', async () => {
  const k = await startKit(createCronJobController, start);
  try {
    await k.client.create(R.cronjobs, 'default', cronjob());
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await jobNames(k.client), [], 'nothing before the first time');
    k.advance(at5 - start + 10_000);
    await poke(k.client, '1');
    const first = `tick-${at5 / minute}`;
    await waitFor(async () => (await jobNames(k.client)).includes(first), 'first job');
    const job = await k.client.get(R.jobs, 'default', first);
    assert.equal(job.metadata.ownerReferences[0].kind, 'CronJob');
    assert.equal(job.metadata.labels.app, 'tick');
    assert.equal(
      job.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp'],
      new Date(at5).toISOString().replace('.000Z', 'Z'),
    );
    const cj = await waitFor(async () => {
      const c = await k.client.get(R.cronjobs, 'default', 'tick');
      return c.status.active?.length === 1 && c;
    }, 'active');
    assert.equal(cj.status.lastScheduleTime, new Date(at5).toISOString().replace('.000Z', 'Z'));
    await finish(k.client, first, 'Complete');
    const done = await waitFor(async () => {
      const c = await k.client.get(R.cronjobs, 'default', 'tick');
      return !c.status.active && c;
    }, 'not active');
    assert.equal(done.status.lastSuccessfulTime, '2026-01-01T00:06:00Z');
    k.advance(5 * minute);
    await poke(k.client, '2');
    await waitFor(async () => (await jobNames(k.client)).length === 2, 'second job');
  } finally {
    await k.stop();
  }
});

test('Forbid skips while a Job runs; Replace deletes it; history limits trim finished Jobs', async () => {
  const k = await startKit(createCronJobController, start);
  try {
    await k.client.create(R.cronjobs, 'default', cronjob({ concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 1 }));
    k.advance(at5 - start + 1000);
    await poke(k.client, '1');
    await waitFor(async () => (await jobNames(k.client)).length === 1, 'first');
    k.advance(5 * minute);
    await poke(k.client, '2');
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await jobNames(k.client)).length, 1, 'Forbid: no second job while the first runs');
    await k.client.patch(R.cronjobs, 'default', 'tick', 'merge', { spec: { concurrencyPolicy: 'Replace' } });
    const second = `tick-${at5 / minute + 5}`;
    await waitFor(async () => (await jobNames(k.client)).join() === second, 'Replace: the running job replaced');
    await finish(k.client, second, 'Complete');
    k.advance(5 * minute);
    await poke(k.client, '3');
    const third = `tick-${at5 / minute + 10}`;
    await waitFor(async () => (await jobNames(k.client)).includes(third), 'third');
    await finish(k.client, third, 'Complete');
    await waitFor(async () => (await jobNames(k.client)).join() === third, 'history limit 1 keeps the newest');
  } finally {
    await k.stop();
  }
});

test('suspend and startingDeadlineSeconds: nothing runs', async () => {
  const k = await startKit(createCronJobController, start);
  try {
    await k.client.create(R.cronjobs, 'default', cronjob({ suspend: true }));
    k.advance(at5 - start + 1000);
    await poke(k.client, '1');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await jobNames(k.client), []);
    // Resumed 2 minutes after the time, with a 60 s starting deadline: missed.
    k.advance(2 * minute);
    await k.client.patch(R.cronjobs, 'default', 'tick', 'merge', { spec: { suspend: false, startingDeadlineSeconds: 60 } });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await jobNames(k.client), []);
    await k.client.patch(R.cronjobs, 'default', 'tick', 'merge', { spec: { startingDeadlineSeconds: 600 } });
    await waitFor(async () => (await jobNames(k.client)).length === 1, 'within the deadline it runs late');
  } finally {
    await k.stop();
  }
});
