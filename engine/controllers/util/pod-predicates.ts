// Pod state as every controller reads it, with upstream's meanings (k8s.io/kubernetes
// pkg/api/v1/pod): Ready is the Ready condition alone (the phase is not consulted), and
// Available needs the condition's lastTransitionTime — a Ready pod without one is not
// available while minReadySeconds > 0.
import type { KubeObject } from '../../kinds/types';

interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

interface PodStatus {
  phase?: string;
  conditions?: Condition[];
}

const statusOf = (pod: KubeObject) => pod.status as PodStatus | undefined;
const phaseOf = (pod: KubeObject) => statusOf(pod)?.phase;

export const isPodTerminal = (pod: KubeObject) => phaseOf(pod) === 'Succeeded' || phaseOf(pod) === 'Failed';

/** Counted as a replica: not finished and not being deleted (upstream IsPodActive). */
export const isPodActive = (pod: KubeObject) => !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;

function readyCondition(pod: KubeObject): Condition | undefined {
  return (statusOf(pod)?.conditions ?? []).find((c) => c.type === 'Ready');
}

export const isPodReady = (pod: KubeObject) => readyCondition(pod)?.status === 'True';

/** StatefulSets alone also want the Running phase (upstream isRunningAndReady). */
export const isPodRunningAndReady = (pod: KubeObject) => phaseOf(pod) === 'Running' && isPodReady(pod);

/** Ms until a ready pod counts as available: 0 when it already does, undefined when it never will as it stands. */
export function msUntilAvailable(pod: KubeObject, minReadySeconds: number, now: Date): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True') return undefined;
  if (!minReadySeconds) return 0;
  const since = Date.parse(c.lastTransitionTime ?? '');
  if (!Number.isFinite(since)) return undefined;
  // Upstream: lastTransitionTime + minReadySeconds strictly before now.
  return Math.max(0, since + minReadySeconds * 1000 - now.getTime() + 1);
}

/** Ready for more than minReadySeconds (0: ready is enough). */
export const isPodAvailable = (pod: KubeObject, minReadySeconds: number, now: Date) => msUntilAvailable(pod, minReadySeconds, now) === 0;
