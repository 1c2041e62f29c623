// Job controller: runs pods until `completions` succeed (NonIndexed) or every index 0..n-1 has
// succeeded (Indexed), at most `parallelism` at a time. Failed pods are kept and replaced after an
// exponential back-off; more than backoffLimit failures fail the Job (BackoffLimitExceeded), as
// does running past activeDeadlineSeconds (DeadlineExceeded). suspend removes running pods.
// podFailurePolicy rules can fail the Job at once or ignore a failure. Finished Jobs with
// ttlSecondsAfterFinished are deleted once it passes.
import type { KubeObject } from '../kinds/types';
import { R } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import { keyOf, splitKey } from '../client/informer';
import type { Controller, ControllerDeps } from './types';
import { stableJson } from '../kinds/validation/validation';
import { createExpectations } from './util/expectations';
import { ignoreNotFound } from './util/not-found';
import { createOwnerIndex, observe } from './util/owner-index';
import { isPodActive, isPodReady, isPodTerminal } from './util/pod-predicates';
import {
  finishedAt,
  formatIndexes,
  hasCondition,
  indexOf,
  matchFailurePolicy,
  newJobPod,
  parseIndexes,
  restartsOf,
  setCondition,
} from './job-pods';
import type { Condition, JobStatus } from '../apimachinery/workload-types';

export interface JobControllerOptions {
  /** First delay before replacing a failed pod (doubles per failure, capped); upstream: 10 s. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function createJobController(deps: ControllerDeps, opts: JobControllerOptions = {}): Controller {
  const { client, informers, events, log, now } = deps;
  const base = opts.backoffBaseMs ?? 10_000;
  const maxBackoff = opts.backoffMaxMs ?? 360_000;
  const jobs = informers.informer(R.jobs);
  const podsInf = informers.informer(R.pods);
  const expectations = createExpectations(() => now().getTime());
  const queue = createWorkQueue({ sync, concurrency: 2, onError: (k, e) => log(`job ${k}: ${(e as Error).message}`) });
  const pods = createOwnerIndex(podsInf, 'Job', (o, ref, change, old) => {
    const key = `${o.metadata.namespace}/${ref.name}`;
    observe(expectations, key, o, change, old);
    queue.add(key);
  });

  async function sync(key: string): Promise<void> {
    const { ns, name } = splitKey(key);
    const job = jobs.get(ns, name);
    if (!job) {
      expectations.forget(key);
      return;
    }
    if (job.metadata.deletionTimestamp) return;
    const owned = pods.of(job.metadata.uid);
    const active = owned.filter(isPodActive);
    const t = now();
    if (hasCondition(job, 'Complete') || hasCondition(job, 'Failed')) {
      await deletePods(key, job, active);
      return expireFinished(job, t);
    }
    const spec = job.spec;
    const st: JobStatus = job.status ?? {};
    const indexed = spec.completionMode === 'Indexed';
    const succeededPods = owned.filter((p) => p.status?.phase === 'Succeeded');
    // podFailurePolicy: Ignore keeps a failure out of the count; FailJob ends the Job at once.
    let policyFailure: [string, string] | undefined;
    const failedPods = owned.filter((p) => {
      if (p.status?.phase !== 'Failed') return false;
      const rule = matchFailurePolicy(job, p);
      if (rule?.action === 'FailJob') policyFailure ??= ['PodFailurePolicy', rule.message];
      return rule?.action !== 'Ignore';
    });
    // Counts never go down: pods removed by someone else stay counted.
    const succeeded = Math.max(st.succeeded ?? 0, succeededPods.length);
    const failed = Math.max(st.failed ?? 0, failedPods.length);
    const done = parseIndexes(st.completedIndexes);
    if (indexed)
      for (const p of succeededPods) {
        const i = indexOf(p);
        if (i !== undefined && i < spec.completions) done.add(i);
      }
    const at = rfc3339(t);
    let conditions: Condition[] = st.conditions ?? [];
    const status: JobStatus = { startTime: st.startTime, succeeded, failed, uncountedTerminatedPods: {} };
    if (indexed) status.completedIndexes = formatIndexes(done);

    if (spec.suspend) {
      await deletePods(key, job, active);
      if (!hasCondition(job, 'Suspended')) {
        conditions = setCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', at);
        events.event(job, 'Normal', 'Suspended', 'Job suspended');
      }
      return writeStatus(job, { ...status, conditions }, []);
    }
    if (hasCondition(job, 'Suspended')) {
      conditions = setCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', at);
      events.event(job, 'Normal', 'Resumed', 'Job resumed');
      status.startTime = at; // the deadline counts from resuming
    }
    status.startTime ??= at;

    const ads = spec.activeDeadlineSeconds;
    const elapsed = t.getTime() - Date.parse(status.startTime);
    let failure: [string, string] | undefined;
    const restarts = spec.template?.spec?.restartPolicy === 'OnFailure' ? restartsOf(active) : 0;
    if (policyFailure) failure = policyFailure;
    else if (failed + restarts > (spec.backoffLimit ?? 6))
      failure = ['BackoffLimitExceeded', 'Job has reached the specified backoff limit'];
    else if (ads !== undefined && elapsed >= ads * 1000) failure = ['DeadlineExceeded', 'Job was active longer than specified deadline'];
    if (failure) {
      await deletePods(key, job, active);
      conditions = setCondition(conditions, 'FailureTarget', 'True', failure[0], failure[1], at);
      conditions = setCondition(conditions, 'Failed', 'True', failure[0], failure[1], at);
      events.event(job, 'Warning', failure[0], failure[1]);
      return writeStatus(job, { ...status, conditions }, []);
    }

    const complete = indexed
      ? done.size >= spec.completions
      : spec.completions !== undefined && spec.completions !== null
        ? succeeded >= spec.completions
        : succeeded > 0 && active.length === 0;
    if (complete) {
      await deletePods(key, job, active);
      conditions = setCondition(
        conditions,
        'SuccessCriteriaMet',
        'True',
        'CompletionsReached',
        'Reached expected number of succeeded pods',
        at,
      );
      conditions = setCondition(conditions, 'Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', at);
      events.event(job, 'Normal', 'Completed', 'Job completed');
      await writeStatus(job, { ...status, conditions, completionTime: at }, []);
      return expireFinished(await client.get(R.jobs, ns, name), t);
    }

    if (expectations.satisfied(key)) await manage(key, job, active, failedPods, done, succeeded, t);
    if (ads !== undefined) queue.addAfter(key, Math.max(0, ads * 1000 - elapsed) + 10);
    await writeStatus(job, { ...status, conditions }, active);
  }

  async function manage(
    key: string,
    job: KubeObject,
    active: KubeObject[],
    failedPods: KubeObject[],
    done: Set<number>,
    succeeded: number,
    t: Date,
  ) {
    const spec = job.spec;
    const parallelism = spec.parallelism ?? 1;
    let want: number;
    let pendingIndexes: number[] = [];
    if (spec.completionMode === 'Indexed') {
      const running = new Set(active.map(indexOf));
      for (let i = 0; i < spec.completions; i++) if (!done.has(i) && !running.has(i)) pendingIndexes.push(i);
      want = Math.min(parallelism, active.length + pendingIndexes.length);
    } else if (spec.completions !== undefined && spec.completions !== null) {
      want = Math.min(parallelism, spec.completions - succeeded);
    } else {
      want = succeeded > 0 ? 0 : parallelism;
    }
    if (active.length > want) {
      // Newest and not-ready pods go first: they have done the least work.
      const victims = [...active].sort(
        (a, b) =>
          Number(isPodReady(a)) - Number(isPodReady(b)) ||
          (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
      );
      await deletePods(key, job, victims.slice(0, active.length - want));
      return;
    }
    if (active.length === want) return;
    if (failedPods.length) {
      const last = Math.max(...failedPods.map(finishedAt));
      const delay = Math.min(maxBackoff, base * 2 ** (failedPods.length - 1));
      const wait = last + delay - t.getTime();
      if (wait > 0) {
        queue.addAfter(key, wait);
        return;
      }
    }
    const n = want - active.length;
    pendingIndexes = pendingIndexes.slice(0, n);
    expectations.expectCreations(key, n);
    await Promise.all(
      Array.from({ length: n }, async (_, k) => {
        const pod = newJobPod(job, spec.completionMode === 'Indexed' ? pendingIndexes[k] : undefined);
        try {
          const created = await client.create(R.pods, job.metadata.namespace, pod);
          events.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
        } catch (e) {
          expectations.lowerCreations(key, 1);
          events.event(job, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
          throw e;
        }
      }),
    );
  }

  async function deletePods(key: string, job: KubeObject, victims: KubeObject[]) {
    for (const p of victims) {
      const uid = p.metadata.uid!;
      expectations.expectDeletions(key, [uid]);
      await client.delete(R.pods, p.metadata.namespace, p.metadata.name!).catch((e) => {
        expectations.deletionObserved(key, uid);
        return ignoreNotFound(e);
      });
      events.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
    }
  }

  async function writeStatus(job: KubeObject, status: JobStatus, active: KubeObject[]) {
    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.terminating = pods.of(job.metadata.uid).filter((p) => p.metadata.deletionTimestamp && !isPodTerminal(p)).length;
    const old = job.status ?? {};
    const keys = Object.keys(status) as (keyof JobStatus)[];
    if (keys.every((k) => stableJson(old[k]) === stableJson(status[k]))) return;
    await client.patch(R.jobs, job.metadata.namespace, job.metadata.name!, 'merge', { status }, { subresource: 'status' });
  }

  async function expireFinished(job: KubeObject, t: Date) {
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl === undefined || ttl === null) return;
    const failedAt = (job.status?.conditions ?? []).find((c: Condition) => c.type === 'Failed' && c.status === 'True')?.lastTransitionTime;
    const finished = Date.parse(job.status?.completionTime ?? failedAt ?? '');
    if (Number.isNaN(finished)) return;
    const left = finished + ttl * 1000 - t.getTime();
    if (left > 0) {
      queue.addAfter(keyOf(job), left);
      return;
    }
    // Upstream's ttl-after-finished controller deletes finished Jobs; the job controller may not.
    await (deps.clientAs?.('ttl-after-finished-controller') ?? client)
      .delete(R.jobs, job.metadata.namespace, job.metadata.name!, {
        propagationPolicy: 'Background',
        preconditions: { uid: job.metadata.uid },
      })
      .catch(ignoreNotFound);
  }

  return {
    name: 'job',
    start() {
      jobs.addHandlers({
        add: (o) => queue.add(keyOf(o)),
        update: (_a, b) => queue.add(keyOf(b)),
        delete: (o) => queue.add(keyOf(o)),
      });
    },
    stop: () => queue.stop(),
  };
}
