// CronJob controller: creates a Job `<cronjob>-<scheduled minutes since epoch>` for the latest
// schedule time that has come (in spec.timeZone) and is within startingDeadlineSeconds, applies
// concurrencyPolicy (Allow / Forbid: skip while one runs / Replace: delete the running ones),
// tracks status.active / lastScheduleTime / lastSuccessfulTime, and trims finished Jobs to the
// history limits. Time comes from deps.now(); a timer wakes each CronJob at its next time.
import type { KubeObject } from '../kinds/types';
import { R, isStatus } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import { keyOf, splitKey } from '../client/informer';
import type { Controller, ControllerDeps } from './types';
import { stableJson } from '../kinds/validation/validation';
import { ignoreNotFound } from './util/not-found';
import { createOwnerIndex } from './util/owner-index';
import { hasCondition } from './job-pods';
import { formatInZone, parseCron, type CronSchedule } from './cron';

export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const finished = (j: KubeObject) => hasCondition(j, 'Complete') || hasCondition(j, 'Failed');
const jobRef = (j: KubeObject) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  name: j.metadata.name!,
  namespace: j.metadata.namespace,
  uid: j.metadata.uid,
  resourceVersion: j.metadata.resourceVersion,
});

interface CronJobStatus {
  /** References to the Jobs still running. */
  active: ReturnType<typeof jobRef>[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

/** The latest schedule time in (earliest, now], and how many were passed over. */
function lastMissed(sched: CronSchedule, earliest: Date, now: Date): { at?: Date; missed: number } {
  let at: Date | undefined;
  let missed = 0;
  for (let t = sched.next(earliest); t && t <= now; t = sched.next(t)) {
    at = t;
    if (++missed > 100) {
      // Long outage: only the most recent time matters; look at the last day alone.
      const recent = lastMissed(sched, new Date(Math.max(earliest.getTime(), now.getTime() - 86_400_000)), now);
      return { at: recent.at ?? at, missed };
    }
  }
  return { at, missed };
}

export function createCronJobController(deps: ControllerDeps): Controller {
  const { client, informers, events, log, now } = deps;
  const cronjobs = informers.informer(R.cronjobs);
  const jobsInf = informers.informer(R.jobs);
  const queue = createWorkQueue({ sync, concurrency: 2, onError: (k, e) => log(`cronjob ${k}: ${(e as Error).message}`) });
  const jobs = createOwnerIndex(jobsInf, 'CronJob', (o, ref) => queue.add(`${o.metadata.namespace}/${ref.name}`));

  async function sync(key: string): Promise<void> {
    const { ns, name } = splitKey(key);
    const cj = cronjobs.get(ns, name);
    if (!cj || cj.metadata.deletionTimestamp) return;
    const t = now();
    const spec = cj.spec;
    const owned = jobs.of(cj.metadata.uid).filter((j) => !j.metadata.deletionTimestamp);
    const status: CronJobStatus = {
      active: owned.filter((j) => !finished(j)).map(jobRef),
      lastScheduleTime: cj.status?.lastScheduleTime,
      lastSuccessfulTime: cj.status?.lastSuccessfulTime,
    };
    for (const j of owned) {
      const done = j.status?.completionTime;
      if (hasCondition(j, 'Complete') && done && (!status.lastSuccessfulTime || Date.parse(done) > Date.parse(status.lastSuccessfulTime)))
        status.lastSuccessfulTime = done;
    }
    await trimHistory(cj, owned);

    let sched: CronSchedule;
    try {
      sched = parseCron(spec.schedule, spec.timeZone);
    } catch (e) {
      events.event(cj, 'Warning', spec.timeZone ? 'UnknownTimeZone' : 'UnparseableSchedule', (e as Error).message);
      return writeStatus(cj, status);
    }
    const following = sched.next(t);
    if (following) queue.addAfter(key, following.getTime() - t.getTime() + 50);
    if (spec.suspend) return writeStatus(cj, status);

    let earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || t.getTime();
    const deadline = spec.startingDeadlineSeconds;
    if (deadline !== undefined && deadline !== null) earliest = Math.max(earliest, t.getTime() - deadline * 1000 - 60_000);
    const { at, missed } = lastMissed(sched, new Date(earliest), t);
    if (!at) return writeStatus(cj, status);
    if (missed > 100)
      events.event(
        cj,
        'Warning',
        'TooManyMissedTimes',
        'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
      );
    if (deadline !== undefined && deadline !== null && t.getTime() - at.getTime() > deadline * 1000) {
      events.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatInZone(at, spec.timeZone)}`);
      return writeStatus(cj, status);
    }
    const jobName = `${name}-${Math.floor(at.getTime() / 60_000)}`;
    if (status.active.some((r) => r.name === jobName)) return writeStatus(cj, status);
    if (spec.concurrencyPolicy === 'Forbid' && status.active.length) {
      // Runs late once the active Job ends (the Job's update re-queues us), if still in the deadline.
      events.event(
        cj,
        'Normal',
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
      );
      return writeStatus(cj, status);
    }
    if (spec.concurrencyPolicy === 'Replace') {
      for (const r of status.active) {
        await client.delete(R.jobs, ns, r.name, { propagationPolicy: 'Background' }).catch(ignoreNotFound);
        events.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${r.name}`);
      }
      status.active = [];
    }
    const job = await createJob(cj, jobName, at);
    if (job) status.active.push(jobRef(job));
    status.lastScheduleTime = rfc3339(at);
    await writeStatus(cj, status);
  }

  async function createJob(cj: KubeObject, jobName: string, at: Date): Promise<KubeObject | undefined> {
    const tmpl = structuredClone(cj.spec.jobTemplate ?? {});
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobName,
        namespace: cj.metadata.namespace,
        labels: tmpl.metadata?.labels ?? {},
        annotations: { ...(tmpl.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP]: formatInZone(at, cj.spec.timeZone) },
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'CronJob',
            name: cj.metadata.name!,
            uid: cj.metadata.uid!,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: tmpl.spec ?? {},
    };
    try {
      const created = await client.create(R.jobs, cj.metadata.namespace, job);
      events.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${jobName}`);
      return created;
    } catch (e) {
      if (isStatus(e, 409)) {
        // Created by an earlier sync whose status write was lost: adopt it, never run twice.
        const existing = await client.get(R.jobs, cj.metadata.namespace, jobName);
        return existing.metadata.ownerReferences?.some((r) => r.uid === cj.metadata.uid) && !finished(existing) ? existing : undefined;
      }
      events.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
      throw e;
    }
  }

  async function trimHistory(cj: KubeObject, owned: KubeObject[]) {
    const byAge = (a: KubeObject, b: KubeObject) =>
      (a.status?.startTime ?? a.metadata.creationTimestamp ?? '').localeCompare(b.status?.startTime ?? b.metadata.creationTimestamp ?? '');
    const groups: [KubeObject[], number | undefined][] = [
      [owned.filter((j) => hasCondition(j, 'Complete')), cj.spec.successfulJobsHistoryLimit],
      [owned.filter((j) => hasCondition(j, 'Failed')), cj.spec.failedJobsHistoryLimit],
    ];
    for (const [list, limit] of groups) {
      if (limit === undefined || limit === null || list.length <= limit) continue;
      for (const j of list.sort(byAge).slice(0, list.length - limit)) {
        await client.delete(R.jobs, j.metadata.namespace, j.metadata.name!, { propagationPolicy: 'Background' }).catch(ignoreNotFound);
        events.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
      }
    }
  }

  async function writeStatus(cj: KubeObject, status: CronJobStatus) {
    const old = cj.status ?? {};
    const strip = (a: { uid?: string }[] | undefined) => (a ?? []).map((r) => r.uid).sort();
    const same =
      stableJson(strip(old.active)) === stableJson(strip(status.active)) &&
      old.lastScheduleTime === status.lastScheduleTime &&
      old.lastSuccessfulTime === status.lastSuccessfulTime;
    if (same) return;
    const patch = { ...status, active: status.active.length ? status.active : null };
    await client.patch(R.cronjobs, cj.metadata.namespace, cj.metadata.name!, 'merge', { status: patch }, { subresource: 'status' });
  }

  return {
    name: 'cronjob',
    start() {
      cronjobs.addHandlers({
        add: (o) => queue.add(keyOf(o)),
        update: (_a, b) => queue.add(keyOf(b)),
        delete: () => {},
      });
    },
    stop: () => queue.stop(),
  };
}
