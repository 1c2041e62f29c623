// Deployment status and conditions as upstream computes them: counts summed over the
// ReplicaSets, Available from minimum availability, Progressing from rollout progress and the
// progress deadline. `kubectl rollout status` reads exactly these fields.
import type { KubeObject } from '../kinds/types';
import type { Condition, DeploymentStatus } from '../apimachinery/workload-types';
import { maxUnavailable, specReplicas, sumSpec, sumStatus } from './deployment-util';

/** A status that may carry conditions (a Deployment's or a ReplicaSet's). */
type WithConditions = { conditions?: Condition[] } | undefined;

export const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function getCondition(status: WithConditions, type: string): Condition | undefined {
  return (status?.conditions ?? []).find((c) => c.type === type);
}

/** Upstream SetDeploymentCondition: same status and reason is no change; same status keeps its transition time. */
export function setCondition(status: { conditions?: Condition[] }, cond: Condition): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  if (cur && cur.status === cond.status) cond.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), cond];
}

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: Date): Condition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** A Deployment's status as read (empty when it has none yet). */
export const statusOf = (d: KubeObject): DeploymentStatus => (d.status as DeploymentStatus | undefined) ?? {};

export const hasProgressDeadline = (d: KubeObject) =>
  d.spec?.progressDeadlineSeconds != null && d.spec.progressDeadlineSeconds < 2 ** 31 - 1;

/** The status counts over all ReplicaSets (upstream calculateStatus). */
export function calculateStatus(d: KubeObject, allRSs: KubeObject[], newRS: KubeObject | undefined, now: Date): DeploymentStatus {
  const available = sumStatus(allRSs, 'availableReplicas');
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: sumStatus(allRSs, 'replicas'),
    updatedReplicas: newRS ? (newRS.status?.replicas ?? 0) : 0,
    readyReplicas: sumStatus(allRSs, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumSpec(allRSs) - available),
    conditions: structuredClone(statusOf(d).conditions ?? []),
  };
  const collisions = statusOf(d).collisionCount;
  if (collisions !== undefined) status.collisionCount = collisions;
  if (available >= specReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now));
  } else {
    setCondition(
      status,
      newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now),
    );
  }
  return status;
}

export function deploymentComplete(d: KubeObject, s: DeploymentStatus): boolean {
  const want = specReplicas(d);
  return (
    s.updatedReplicas === want &&
    s.replicas === want &&
    s.availableReplicas === want &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

export function deploymentProgressing(d: KubeObject, s: DeploymentStatus): boolean {
  const old = statusOf(d);
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

export function deploymentTimedOut(d: KubeObject, s: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, 'Progressing');
  if (!c || c.reason === 'NewReplicaSetAvailable') return false;
  if (c.reason === 'ProgressDeadlineExceeded') return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  return Number.isFinite(from) && from + d.spec.progressDeadlineSeconds * 1000 < now.getTime();
}

/**
 * The status after a rollout step (upstream syncRolloutStatus): Progressing moves to
 * ReplicaSetUpdated while pods move, NewReplicaSetAvailable when complete, and
 * ProgressDeadlineExceeded when nothing moved for progressDeadlineSeconds.
 */
export function rolloutStatus(d: KubeObject, allRSs: KubeObject[], newRS: KubeObject | undefined, now: Date): DeploymentStatus {
  const s = calculateStatus(d, allRSs, newRS, now);
  const conditions = (): Condition[] => (s.conditions ??= []);
  if (!hasProgressDeadline(d)) s.conditions = conditions().filter((c) => c.type !== 'Progressing');
  const cur = getCondition(statusOf(d), 'Progressing');
  const complete = s.replicas === s.updatedReplicas && cur?.reason === 'NewReplicaSetAvailable';
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, s)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : 'Deployment has successfully progressed.';
      setCondition(s, newCondition('Progressing', 'True', 'NewReplicaSetAvailable', msg, now));
    } else if (deploymentProgressing(d, s)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const cond = newCondition('Progressing', 'True', 'ReplicaSetUpdated', msg, now);
      // Progress refreshes lastUpdateTime (the deadline's start) even when the reason stays.
      if (cur?.status === 'True') cond.lastTransitionTime = cur.lastTransitionTime;
      s.conditions = [...conditions().filter((c) => c.type !== 'Progressing'), cond];
    } else if (deploymentTimedOut(d, s, now)) {
      const msg = newRS
        ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`
        : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setCondition(s, newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', msg, now));
    }
  }
  // A ReplicaSet that cannot create pods (quota, admission) surfaces on the Deployment.
  const failure = [newRS, ...allRSs]
    .map((rs) => rs && getCondition(rs.status as WithConditions, 'ReplicaFailure'))
    .find((c) => c?.status === 'True');
  if (failure) setCondition(s, newCondition('ReplicaFailure', 'True', failure.reason ?? '', failure.message ?? '', now));
  else s.conditions = conditions().filter((c) => c.type !== 'ReplicaFailure');
  return s;
}

/** Ms until a stuck rollout's deadline passes (to look again then), or undefined. */
export function msUntilDeadline(d: KubeObject, s: DeploymentStatus, now: Date): number | undefined {
  const c = getCondition(s, 'Progressing');
  if (!hasProgressDeadline(d) || !c || c.reason === 'NewReplicaSetAvailable' || c.reason === 'ProgressDeadlineExceeded') return undefined;
  if (deploymentComplete(d, s)) return undefined;
  const from = Date.parse(c.lastUpdateTime ?? '');
  if (!Number.isFinite(from)) return undefined;
  return Math.max(0, from + d.spec.progressDeadlineSeconds * 1000 - now.getTime()) + 1000;
}

/** Whether the status differs in anything but condition timestamps that did not change meaning. */
export function statusDiffers(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  return JSON.stringify(normalize(a)) !== JSON.stringify(normalize(b));
}

function normalize(s: DeploymentStatus | undefined) {
  const pick = (k: keyof DeploymentStatus) => s?.[k] ?? 0;
  return [
    pick('observedGeneration'),
    pick('replicas'),
    pick('updatedReplicas'),
    pick('readyReplicas'),
    pick('availableReplicas'),
    pick('unavailableReplicas'),
    s?.collisionCount ?? null,
    [...(s?.conditions ?? [])]
      .sort((x, y) => x.type.localeCompare(y.type))
      .map((c) => [c.type, c.status, c.reason, c.message, c.lastUpdateTime, c.lastTransitionTime]),
  ];
}

/** Upstream omits zero counts (omitempty); keep the written status the same shape. */
export function compactStatus(s: DeploymentStatus): DeploymentStatus {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (v === 0 && k !== 'observedGeneration') continue;
    if (Array.isArray(v) && !v.length) continue;
    if (v !== undefined) out[k] = v;
  }
  return out;
}
