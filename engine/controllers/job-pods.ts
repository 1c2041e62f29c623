// A Job's pods and what they add up to: pods from the template (Indexed ones carry their
// completion index), completed-index sets in the "1-3,5" form status.completedIndexes uses,
// and the Job's status conditions.
import type { KubeObject } from '../kinds/types';
import { ownerRefFor } from './util/controller-ref';
import { podFromTemplate } from './util/pod-template';
import type { EnvVar } from '../apimachinery/pod-types';
import type { Condition, ContainerStatus } from '../apimachinery/workload-types';

/** One of a Job's spec.podFailurePolicy.rules. */
interface PodFailurePolicyRule {
  action: string;
  onExitCodes?: { containerName?: string; operator: string; values?: number[] };
  onPodConditions?: { type: string; status?: string }[];
}

export const INDEX_KEY = 'batch.kubernetes.io/job-completion-index';

export function newJobPod(job: KubeObject, index?: number): KubeObject {
  const pod = podFromTemplate(job, job.spec.template, ownerRefFor(job, 'batch/v1', 'Job'));
  const name = job.metadata.name!;
  if (index === undefined) {
    pod.metadata.generateName = `${name}-`;
    return pod;
  }
  pod.metadata.generateName = `${name}-${index}-`;
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [INDEX_KEY]: String(index) };
  pod.metadata.labels![INDEX_KEY] = String(index);
  pod.spec.hostname = `${name}-${index}`;
  const env = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${INDEX_KEY}']` } } };
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
    if (!(c.env ?? []).some((e: EnvVar) => e.name === env.name)) c.env = [...(c.env ?? []), env];
  }
  return pod;
}

export function indexOf(pod: KubeObject): number | undefined {
  const v = pod.metadata.annotations?.[INDEX_KEY] ?? pod.metadata.labels?.[INDEX_KEY];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** "0-2,4" → {0,1,2,4}. */
export function parseIndexes(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    for (let i = a; i <= (b ?? a); i++) out.add(i);
  }
  return out;
}

export function formatIndexes(set: Set<number>): string {
  const xs = [...set].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    parts.push(i === j ? `${xs[i]}` : `${xs[i]}-${xs[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export const hasCondition = (job: KubeObject, type: string) =>
  (job.status?.conditions ?? []).some((c: Condition) => c.type === type && c.status === 'True');

/** Sets a condition, keeping lastTransitionTime when the status does not change. */
export function setCondition(
  conds: Condition[],
  type: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
  at: string,
): Condition[] {
  const i = conds.findIndex((c) => c.type === type);
  const old = i >= 0 ? conds[i] : undefined;
  const c: Condition = {
    type,
    status,
    reason,
    message,
    lastProbeTime: at,
    lastTransitionTime: old && old.status === status ? old.lastTransitionTime : at,
  };
  const next = [...conds];
  if (i >= 0) next[i] = c;
  else next.push(c);
  return next;
}

/** When a pod finished, as its containers report it (falls back to its last condition change). */
export function finishedAt(pod: KubeObject): number {
  let t = 0;
  for (const cs of pod.status?.containerStatuses ?? []) {
    const f = Date.parse(cs.state?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(f)) t = Math.max(t, f);
  }
  if (t) return t;
  for (const c of pod.status?.conditions ?? []) {
    const f = Date.parse(c.lastTransitionTime ?? '');
    if (!Number.isNaN(f)) t = Math.max(t, f);
  }
  return t || Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
}

/** The first podFailurePolicy rule a failed pod matches: its action and the message upstream gives. */
export function matchFailurePolicy(job: KubeObject, pod: KubeObject): { action: string; message: string } | undefined {
  const rules: PodFailurePolicyRule[] = job.spec.podFailurePolicy?.rules ?? [];
  const podRef = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (r.onExitCodes) {
      const { containerName, operator, values = [] } = r.onExitCodes;
      const statuses: ContainerStatus[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
      for (const cs of statuses) {
        const code = cs.state?.terminated?.exitCode;
        if (code === undefined || code === 0) continue; // success never matches a failure rule
        if (containerName && cs.name !== containerName) continue;
        if (operator === 'In' ? values.includes(code) : !values.includes(code)) {
          return {
            action: r.action,
            message: `Container ${cs.name} for pod ${podRef} failed with exit code ${code} matching ${r.action} rule at index ${i}`,
          };
        }
      }
    }
    for (const pc of r.onPodConditions ?? []) {
      if ((pod.status?.conditions ?? []).some((c: Condition) => c.type === pc.type && c.status === (pc.status ?? 'True'))) {
        return { action: r.action, message: `Pod ${podRef} has condition ${pc.type} matching ${r.action} rule at index ${i}` };
      }
    }
  }
  return undefined;
}

/** Container restarts of a job's running pods: with restartPolicy OnFailure they count as failures. */
export const restartsOf = (pods: KubeObject[]) =>
  pods.reduce(
    (n, p) => n + (p.status?.containerStatuses ?? []).reduce((m: number, cs: ContainerStatus) => m + (cs.restartCount ?? 0), 0),
    0,
  );
