import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../client/types';
import { createJobController } from './job';
import { newJobPod } from './job-pods';
import { startControllerManager } from './manager';
import { startTestCore } from '../apiserver/testing/test-cluster';
import type { JobStatus } from '../apimachinery/workload-types';
import { container, listPods, setPhase, startKit, waitFor } from './testing/statefulset-test-kit';

const job = (name: string, spec: Record<string, any>) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'default' },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [container] } }, ...spec },
});
const active = async (client: any, name: string) =>
  (await listPods(client, `job-name=${name}`)).filter(
    (p) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase),
  );
const cond = (j: any, type: string) => (j.status?.conditions ?? []).find((c: any) => c.type === type && c.status === 'True');

test('completions 5 / parallelism 2: never more than 2 at once, then Complete', async () => {
  const k = await startKit((d) => createJobController(d));
  try {
    await k.client.create(R.jobs, 'default', job('pi', { completions: 5, parallelism: 2 }));
    let finished = 0;
    while (finished < 5) {
      const running = await waitFor(async () => {
        const a = await active(k.client, 'pi');
        return a.length > 0 && a;
      }, 'active pods');
      assert.ok(running.length <= 2, `at most 2 active, got ${running.length}`);
      await setPhase(k.client, running[0], 'Succeeded');
      finished++;
    }
    const done = await waitFor(async () => {
      const j = await k.client.get(R.jobs, 'default', 'pi');
      return cond(j, 'Complete') && j;
    }, 'Complete');
    assert.equal(done.status.succeeded, 5);
    assert.equal(done.status.active, 0);
    assert.ok(done.status.completionTime && done.status.startTime);
    assert.ok(cond(done, 'SuccessCriteriaMet'));
    assert.equal((await listPods(k.client, 'job-name=pi')).length, 5);
    const p = (await listPods(k.client, 'job-name=pi'))[0];
    assert.equal(p.metadata.ownerReferences[0].kind, 'Job');
    assert.equal(p.metadata.labels['batch.kubernetes.io/controller-uid'], done.metadata.uid);
  } finally {
    await k.stop();
  }
});

test('backoffLimit: failures beyond it fail the Job with BackoffLimitExceeded', async () => {
  const k = await startKit((d) => createJobController(d, { backoffBaseMs: 10 }));
  try {
    await k.client.create(R.jobs, 'default', job('bad', { backoffLimit: 1 }));
    for (let i = 0; i < 2; i++) {
      const [p] = await waitFor(async () => {
        const a = await active(k.client, 'bad');
        return a.length > 0 && a;
      }, `attempt ${i}`);
      await setPhase(k.client, p, 'Failed');
    }
    const j = await waitFor(async () => {
      const j = await k.client.get(R.jobs, 'default', 'bad');
      return cond(j, 'Failed') && j;
    }, 'Failed');
    assert.equal(cond(j, 'Failed').reason, 'BackoffLimitExceeded');
    assert.equal(j.status.failed, 2);
    assert.equal((await listPods(k.client, 'job-name=bad')).length, 2, 'failed pods are kept, none recreated');
  } finally {
    await k.stop();
  }
});

test('activeDeadlineSeconds fails the Job with DeadlineExceeded and removes its pods', async () => {
  const k = await startKit((d) => createJobController(d));
  try {
    await k.client.create(R.jobs, 'default', job('slow', { activeDeadlineSeconds: 30 }));
    await waitFor(async () => (await active(k.client, 'slow')).length === 1, 'pod');
    k.advance(31_000);
    await k.client.patch(R.jobs, 'default', 'slow', 'merge', { metadata: { labels: { poke: '1' } } });
    const j = await waitFor(async () => {
      const j = await k.client.get(R.jobs, 'default', 'slow');
      return cond(j, 'Failed') && j;
    }, 'Failed');
    assert.equal(cond(j, 'Failed').reason, 'DeadlineExceeded');
    await waitFor(async () => (await active(k.client, 'slow')).length === 0, 'pods removed');
  } finally {
    await k.stop();
  }
});

test('Indexed: one pod per index with the index annotation; completedIndexes', async () => {
  const k = await startKit((d) => createJobController(d));
  try {
    await k.client.create(R.jobs, 'default', job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    const pods = await waitFor(async () => {
      const a = await active(k.client, 'idx');
      return a.length === 3 && a;
    }, '3 pods');
    const idx = pods.map((p: any) => p.metadata.annotations['batch.kubernetes.io/job-completion-index']).sort();
    assert.deepEqual(idx, ['0', '1', '2']);
    const p0 = pods.find((p: any) => p.metadata.annotations['batch.kubernetes.io/job-completion-index'] === '0');
    assert.equal(p0.spec.hostname, 'idx-0');
    assert.equal(p0.spec.containers[0].env[0].name, 'JOB_COMPLETION_INDEX');
    await setPhase(k.client, p0, 'Succeeded');
    await waitFor(async () => (await k.client.get(R.jobs, 'default', 'idx')).status.completedIndexes === '0', 'index 0 done');
    for (const p of pods) if (p !== p0) await setPhase(k.client, p, 'Succeeded');
    const j = await waitFor(async () => {
      const j = await k.client.get(R.jobs, 'default', 'idx');
      return cond(j, 'Complete') && j;
    }, 'Complete');
    assert.equal(j.status.completedIndexes, '0-2');
  } finally {
    await k.stop();
  }
});

test('suspend removes active pods; ttlSecondsAfterFinished deletes a finished Job', async () => {
  const k = await startKit((d) => createJobController(d));
  try {
    await k.client.create(R.jobs, 'default', job('s', { parallelism: 2, completions: 2, ttlSecondsAfterFinished: 60 }));
    await waitFor(async () => (await active(k.client, 's')).length === 2, 'pods');
    await k.client.patch(R.jobs, 'default', 's', 'merge', { spec: { suspend: true } });
    await waitFor(async () => (await active(k.client, 's')).length === 0, 'suspended');
    const sj = await waitFor(async () => {
      const j = await k.client.get(R.jobs, 'default', 's');
      return cond(j, 'Suspended') && j;
    }, 'Suspended');
    assert.equal(sj.status.active, 0);
    await k.client.patch(R.jobs, 'default', 's', 'merge', { spec: { suspend: false } });
    const pods = await waitFor(async () => {
      const a = await active(k.client, 's');
      return a.length === 2 && a;
    }, 'resumed');
    for (const p of pods) await setPhase(k.client, p, 'Succeeded');
    await waitFor(async () => cond(await k.client.get(R.jobs, 'default', 's'), 'Complete'), 'Complete');
    k.advance(61_000);
    await k.client.patch(R.jobs, 'default', 's', 'merge', { metadata: { labels: { poke: '1' } } });
    await waitFor(
      async () =>
        k.client.get(R.jobs, 'default', 's').then(
          () => false,
          () => true,
        ),
      'deleted after ttl',
    );
  } finally {
    await k.stop();
  }
});

test('podFailurePolicy: Ignore does not count a failure; FailJob fails the Job at once', async () => {
  const k = await startKit((d) => createJobController(d, { backoffBaseMs: 10 }));
  const fail = (p: any, exitCode: number, conditions: any[] = []) =>
    k.client.patch(
      R.pods,
      'default',
      p.metadata.name,
      'merge',
      {
        status: {
          phase: 'Failed',
          conditions,
          containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode } } }],
        },
      },
      { subresource: 'status' },
    );
  try {
    await k.client.create(
      R.jobs,
      'default',
      job('pfp', {
        backoffLimit: 6,
        podFailurePolicy: {
          rules: [
            { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } },
            { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
          ],
        },
      }),
    );
    const [p1] = await waitFor(async () => {
      const a = await active(k.client, 'pfp');
      return a.length > 0 && a;
    }, 'pod');
    await fail(p1, 137, [{ type: 'DisruptionTarget', status: 'True' }]);
    const [p2] = await waitFor(async () => {
      const a = await active(k.client, 'pfp');
      return a.length > 0 && a;
    }, 'replacement');
    assert.equal((await k.client.get(R.jobs, 'default', 'pfp')).status.failed, 0, 'ignored failure not counted');
    await fail(p2, 42);
    const j = await waitFor(async () => {
      const j = await k.client.get(R.jobs, 'default', 'pfp');
      return cond(j, 'Failed') && j;
    }, 'Failed');
    assert.equal(cond(j, 'Failed').reason, 'PodFailurePolicy');
    assert.match(cond(j, 'Failed').message, /failed with exit code 42 matching FailJob rule at index 0/);
  } finally {
    await k.stop();
  }
});

test('a new leader counts every pod its predecessor left before it acts (completions 3: one more pod, not two)', async () => {
  const tc = await startTestCore();
  const client = tc.client;
  try {
    // What a leader killed mid-Job leaves: two finished pods, the Job's status not yet written.
    const j = await client.create(R.jobs, 'default', job('takeover', { completions: 3, parallelism: 2 }));
    for (let i = 0; i < 2; i++) await setPhase(client, await client.create(R.pods, 'default', newJobPod(j)), 'Succeeded');
    // Every pod created from here on (an extra one may be deleted again at once).
    const from = (await client.list(R.pods, 'default')).resourceVersion;
    const created: string[] = [];
    const watch = client.watch(
      R.pods,
      'default',
      { resourceVersion: from, labelSelector: 'job-name=takeover' },
      (type, o) => type === 'ADDED' && created.push(o.metadata.name!),
      () => {},
    );
    // The new leader's manager: its informers replay their caches to the handlers add by add.
    const cm = await startControllerManager({ client, only: ['job'] });
    try {
      const activeInStatus = async () => ((await client.get(R.jobs, 'default', 'takeover')).status as JobStatus | undefined)?.active;
      await waitFor(async () => (await activeInStatus()) === 1, 'one active pod in status');
      await waitFor(() => created.length > 0, 'the new pod watched');
      assert.equal(created.length, 1, `one new pod, not one per finished pod it had not counted yet: ${created.join(', ')}`);
    } finally {
      cm.stop();
      watch.stop();
    }
  } finally {
    await tc.close();
  }
});
