// Pure parts of the ReplicaSet/ReplicationController logic: which surplus pods go first
// (upstream's ActivePodsWithRanks order) and the status a replica controller reports.
import type { KubeObject } from '../kinds/types';
import type { Condition, ContainerStatus, ReplicaSetStatus } from '../apimachinery/workload-types';
import { isPodAvailable, isPodReady } from './util/pod-predicates';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

function readySince(pod: KubeObject): number {
  const c = ((pod.status?.conditions ?? []) as Condition[]).find((x) => x.type === 'Ready');
  return Date.parse(c?.lastTransitionTime ?? '') || 0;
}

function maxRestarts(pod: KubeObject): number {
  return Math.max(0, ...((pod.status?.containerStatuses ?? []) as ContainerStatus[]).map((c) => c.restartCount ?? 0));
}

function deletionCost(pod: KubeObject): number {
  const v = Number(pod.metadata.annotations?.[DELETION_COST] ?? 0);
  return Number.isFinite(v) ? v : 0;
}

/**
 * The `count` pods to delete, cheapest to lose first: unscheduled, then pending/unknown,
 * then not ready, then lower deletion cost, then pods sharing a node with more of their
 * siblings (spreading survives), then ready most recently, more restarts, newest.
 */
export function podsToDelete(pods: KubeObject[], count: number): KubeObject[] {
  if (count >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  const rank = (p: KubeObject) => (p.spec?.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
  const sorted = [...pods].sort((a, b) => {
    const an = a.spec?.nodeName ? 1 : 0,
      bn = b.spec?.nodeName ? 1 : 0;
    if (an !== bn) return an - bn;
    const ap = PHASE_ORDER[a.status?.phase] ?? 1,
      bp = PHASE_ORDER[b.status?.phase] ?? 1;
    if (ap !== bp) return ap - bp;
    const ar = isPodReady(a) ? 1 : 0,
      br = isPodReady(b) ? 1 : 0;
    if (ar !== br) return ar - br;
    const ac = deletionCost(a),
      bc = deletionCost(b);
    if (ac !== bc) return ac - bc;
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    if (ar && br && readySince(a) !== readySince(b)) return readySince(b) - readySince(a);
    if (maxRestarts(a) !== maxRestarts(b)) return maxRestarts(b) - maxRestarts(a);
    const at = Date.parse(a.metadata.creationTimestamp ?? '') || 0,
      bt = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    if (at !== bt) return bt - at;
    return (b.metadata.name ?? '').localeCompare(a.metadata.name ?? '');
  });
  return sorted.slice(0, count);
}

/** Status as the upstream controller writes it: zero counts are omitted (omitempty), replicas kept. */
export function replicaStatus(owner: KubeObject, pods: KubeObject[], now: Date, failure?: Error): ReplicaSetStatus {
  const templateLabels = Object.entries((owner.spec?.template?.metadata?.labels ?? {}) as Record<string, string>);
  const minReady = owner.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0,
    ready = 0,
    available = 0;
  // Runs over every pod of the owner on each sync (30,000 for a large Deployment): no per-pod arrays.
  for (const p of pods) {
    const labels = p.metadata.labels ?? {};
    if (templateLabels.every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(p)) ready++;
    if (isPodAvailable(p, minReady, now)) available++;
  }
  const status: ReplicaSetStatus = { replicas: pods.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (owner.metadata.generation) status.observedGeneration = owner.metadata.generation;
  const ownerConditions = (owner.status as ReplicaSetStatus | undefined)?.conditions ?? [];
  const conditions = ownerConditions.filter((c) => c.type !== 'ReplicaFailure');
  const oldFailure = ownerConditions.find((c) => c.type === 'ReplicaFailure');
  if (failure) {
    const reason = /delet/i.test(failure.message) ? 'FailedDelete' : 'FailedCreate';
    conditions.push(
      oldFailure?.reason === reason
        ? oldFailure
        : {
            type: 'ReplicaFailure',
            status: 'True',
            lastTransitionTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            reason,
            message: failure.message,
          },
    );
  }
  if (conditions.length) status.conditions = conditions;
  return status;
}

/** Whether two statuses differ in anything the controller writes. */
export function statusChanged(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
  const pick = (s: ReplicaSetStatus | undefined) =>
    JSON.stringify([
      s?.replicas ?? 0,
      s?.fullyLabeledReplicas ?? 0,
      s?.readyReplicas ?? 0,
      s?.availableReplicas ?? 0,
      s?.observedGeneration ?? 0,
      s?.conditions ?? [],
    ]);
  return pick(a) !== pick(b);
}
