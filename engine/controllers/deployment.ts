// Deployment controller: one ReplicaSet per template revision, rolled over by strategy
// (RollingUpdate or Recreate), resized proportionally, paused on request, and a status that
// `kubectl rollout status` can follow. The moves live in deployment-rollout.ts, the status in
// deployment-status.ts, the ReplicaSet bookkeeping in deployment-replicasets.ts.
import type { KubeObject } from '../kinds/types';
import { R, isStatus } from '../client/types';
import { keyOf, splitKey } from '../client/informer';
import { createWorkQueue } from '../client/work-queue';
import { labelSelectorFromObject, type LabelMatcher } from '../apimachinery/selectors';
import type { Controller, ControllerDeps } from './types';
import { claimObjects, controllerRefOf, refIsKind } from './util/controller-ref';
import {
  allOf,
  cleanupHistory,
  isScalingEvent,
  oldPodsRunning,
  recreateScaleDown,
  recreateScaleUp,
  rollingStep,
  scaleDeployment,
  type RolloutCtx,
  type RSSets,
} from './deployment-rollout';
import {
  calculateStatus,
  compactStatus,
  deploymentComplete,
  getCondition,
  hasProgressDeadline,
  msUntilDeadline,
  newCondition,
  rolloutStatus,
  setCondition,
  statusDiffers,
  statusOf,
} from './deployment-status';
import type { DeploymentStatus } from '../apimachinery/workload-types';
import { syncRevision, type RSDeps } from './deployment-replicasets';
import { maxSurge, replicasAnnotationsNeedUpdate, setReplicasAnnotations, specReplicas } from './deployment-util';

export function createDeploymentController(deps: ControllerDeps): Controller {
  const { client, events, log, now } = deps;
  const deployments = deps.informers.informer(R.deployments);
  const replicaSets = deps.informers.informer(R.replicasets);
  const pods = deps.informers.informer(R.pods);
  const queue = createWorkQueue({
    sync,
    concurrency: 4,
    // Conflicts are routine (a cache behind a write): the retry is the fix, not news.
    onError: (key, err: unknown) => isStatus(err, 409) || log(`deployment ${key}: ${(err as Error | undefined)?.message ?? String(err)}`),
  });

  const isDeploymentRef = (o: KubeObject) => refIsKind(controllerRefOf(o), 'apps/v1', 'Deployment');

  function selectorOf(d: KubeObject): LabelMatcher | undefined {
    try {
      return labelSelectorFromObject(d.spec?.selector);
    } catch {
      return undefined;
    }
  }

  /** The deployment controlling a ReplicaSet, if cached. */
  function ownerKey(rs: KubeObject): string | undefined {
    const ref = controllerRefOf(rs);
    if (!ref || !isDeploymentRef(rs)) return undefined;
    const d = deployments.get(rs.metadata.namespace, ref.name);
    return d && d.metadata.uid === ref.uid ? keyOf(d) : undefined;
  }

  function rsChanged(rs: KubeObject) {
    const key = ownerKey(rs);
    if (key) return queue.add(key);
    if (controllerRefOf(rs)) return;
    for (const d of deployments.list()) {
      if (d.metadata.namespace === rs.metadata.namespace && selectorOf(d)?.matches(rs.metadata.labels)) queue.add(keyOf(d));
    }
  }

  const rsDeps: RSDeps = { client, events, now, writeStatus };

  async function writeStatus(d: KubeObject, status: DeploymentStatus): Promise<KubeObject> {
    let cur = d;
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.update(
          R.deployments,
          cur.metadata.namespace,
          { ...structuredClone(cur), status: compactStatus(status) },
          { subresource: 'status' },
        );
      } catch (e) {
        if (!isStatus(e, 409) || attempt >= 2) throw e;
        cur = await client.get(R.deployments, d.metadata.namespace, d.metadata.name!);
      }
    }
  }

  const ctx: RolloutCtx = {
    async scale(d, rs, replicas) {
      const max = specReplicas(d) + maxSurge(d);
      const sizeChanges = specReplicas(rs) !== replicas;
      if (!sizeChanges && !replicasAnnotationsNeedUpdate(rs, specReplicas(d), max)) return rs;
      const copy = structuredClone(rs);
      const from = specReplicas(rs);
      copy.spec.replicas = replicas;
      setReplicasAnnotations(copy, specReplicas(d), max);
      const updated = await client.update(R.replicasets, rs.metadata.namespace, copy);
      if (sizeChanges) {
        const op = replicas > from ? 'up' : 'down';
        events.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} to ${replicas} from ${from}`);
      }
      return updated;
    },
    async deleteRS(rs) {
      try {
        await client.delete(R.replicasets, rs.metadata.namespace, rs.metadata.name!, { preconditions: { uid: rs.metadata.uid } });
      } catch (e) {
        if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
      }
    },
    podsOf: (rs) =>
      pods.list().filter((p) => p.metadata.namespace === rs.metadata.namespace && controllerRefOf(p)?.uid === rs.metadata.uid),
  };

  /** Writes the status when it changed; otherwise looks again when a stuck rollout's deadline passes. */
  async function finish(key: string, d: KubeObject, status: DeploymentStatus): Promise<void> {
    if (statusDiffers(statusOf(d), status)) d = await writeStatus(d, status);
    const wait = msUntilDeadline(d, statusOf(d), now());
    if (wait !== undefined) queue.addAfter(key, wait);
  }

  /** Pausing and resuming show as Progressing=Unknown, so a resumed rollout's deadline starts afresh. */
  async function checkPaused(d: KubeObject): Promise<KubeObject> {
    if (!hasProgressDeadline(d)) return d;
    const cond = getCondition(statusOf(d), 'Progressing');
    if (cond?.reason === 'ProgressDeadlineExceeded') return d;
    const pausedCond = cond?.reason === 'DeploymentPaused';
    const status = structuredClone(statusOf(d));
    if (d.spec.paused && !pausedCond) {
      setCondition(status, newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', now()));
    } else if (!d.spec.paused && pausedCond) {
      setCondition(status, newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', now()));
    } else return d;
    return writeStatus(d, status);
  }

  /** Scaling-only sync (resize or paused): no rollout progress. */
  async function syncScale(key: string, d: KubeObject, rsList: KubeObject[]): Promise<void> {
    const r = await syncRevision(rsDeps, d, rsList, false);
    const sets = r.sets;
    d = r.d;
    await scaleDeployment(ctx, d, sets);
    if (d.spec.paused) await cleanupHistory(ctx, d, sets.oldRSs);
    await finish(key, d, calculateStatus(d, allOf(sets), sets.newRS, now()));
  }

  async function rollout(key: string, d: KubeObject, rsList: KubeObject[]): Promise<void> {
    const recreate = d.spec?.strategy?.type === 'Recreate';
    let { sets, d: cur } = await syncRevision(rsDeps, d, rsList, !recreate);
    d = cur;
    const done = async (s: RSSets, complete: boolean) => {
      if (complete) await cleanupHistory(ctx, d, s.oldRSs);
      await finish(key, d, rolloutStatus(d, allOf(s), s.newRS, now()));
    };
    if (!recreate) {
      if (await rollingStep(ctx, d, sets)) return done(sets, false);
      return done(sets, deploymentComplete(d, statusOf(d)));
    }
    if (await recreateScaleDown(ctx, d, sets)) return done(sets, false);
    if (oldPodsRunning(ctx, sets)) return done(sets, false);
    if (!sets.newRS) {
      ({ sets, d: cur } = await syncRevision(rsDeps, d, allOf(sets), true));
      d = cur;
    }
    await recreateScaleUp(ctx, d, sets);
    return done(sets, deploymentComplete(d, statusOf(d)));
  }

  async function sync(key: string): Promise<void> {
    const { ns, name } = splitKey(key);
    const cached = deployments.get(ns, name);
    if (!cached) return;
    let d = structuredClone(cached);
    const selector = selectorOf(d);
    if (!selector || selector.empty) {
      events.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      return;
    }
    const candidates = replicaSets.list().filter((rs) => rs.metadata.namespace === d.metadata.namespace);
    const rsList = await claimObjects(
      { client, owner: d, ownerRes: R.deployments, res: R.replicasets, matches: (rs) => selector.matches(rs.metadata.labels) },
      candidates,
    );
    if (d.metadata.deletionTimestamp) {
      const { sets } = await syncRevision(rsDeps, d, rsList, false);
      return finish(key, d, calculateStatus(d, allOf(sets), sets.newRS, now()));
    }
    d = await checkPaused(d);
    if (d.spec.paused) return syncScale(key, d, rsList);
    const probe = await syncRevision(rsDeps, d, rsList, false);
    if (isScalingEvent(probe.d, probe.sets)) return syncScale(key, probe.d, allOf(probe.sets));
    return rollout(key, probe.d, allOf(probe.sets));
  }

  return {
    name: 'deployment',
    start() {
      deployments.addHandlers({
        add: (d) => queue.add(keyOf(d)),
        update: (_a, b) => queue.add(keyOf(b)),
        delete: (d) => queue.add(keyOf(d)),
      });
      replicaSets.addHandlers({
        add: rsChanged,
        update(a, b) {
          const oldKey = ownerKey(a);
          if (oldKey && oldKey !== ownerKey(b)) queue.add(oldKey);
          rsChanged(b);
        },
        delete(rs) {
          const key = ownerKey(rs);
          if (key) queue.add(key);
        },
      });
      // Recreate waits for old pods to be gone: a deleted pod may unblock it.
      pods.addHandlers({
        delete(pod) {
          const ref = controllerRefOf(pod);
          if (!ref || ref.kind !== 'ReplicaSet') return;
          const rs = replicaSets.get(pod.metadata.namespace, ref.name);
          if (rs) rsChanged(rs);
        },
      });
    },
    stop() {
      queue.stop();
    },
  };
}
