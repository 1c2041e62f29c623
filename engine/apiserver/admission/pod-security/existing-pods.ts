// Warnings for a namespace whose enforce level gets stricter (upstream's
// EvaluatePodsInNamespace): existing pods that would now be refused, grouped by reason, one pod
// per controller first, at most 3,000 pods and about a second of work.
import type { KubeObject } from '../../../kinds/types';
import { evaluatePod, reasonsText } from './evaluate';
import { levelVersionText, type LevelVersion } from './levels';
import type { PodSpecFields } from './pod-fields';

const MAX_PODS = 3000;
const BUDGET_MS = 1000;

export function existingPodWarnings(
  namespace: string,
  enforce: LevelVersion,
  pods: KubeObject[],
  exemptRuntimeClasses: string[],
  now: () => number = Date.now,
): string[] {
  const ordered = prioritize(
    pods.filter((p) => !exemptRuntimeClasses.includes(String((p.spec as PodSpecFields | undefined)?.runtimeClassName ?? ''))),
  );
  const total = ordered.length;
  const deadline = now() + BUDGET_MS;
  const byReason = new Map<string, { first: string; count: number }>();
  let checked = 0;
  for (const pod of ordered.slice(0, MAX_PODS)) {
    checked++;
    const v = evaluatePod(enforce, pod.metadata, (pod.spec ?? {}) as PodSpecFields);
    if (v.length) {
      const reason = reasonsText(v);
      const name = pod.metadata.name ?? '';
      const seen = byReason.get(reason);
      if (!seen) byReason.set(reason, { first: name, count: 1 });
      else {
        seen.count++;
        if (name < seen.first) seen.first = name;
      }
    }
    if (now() > deadline) break;
  }
  const out: string[] = [];
  if (checked < total) out.push(`new PodSecurity enforce level only checked against the first ${checked} of ${total} existing pods`);
  if (byReason.size)
    out.push(`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${levelVersionText(enforce)}"`);
  const lines = [...byReason].map(([reason, { first, count }]) =>
    count === 1
      ? `${first}: ${reason}`
      : count === 2
        ? `${first} (and 1 other pod): ${reason}`
        : `${first} (and ${count - 1} other pods): ${reason}`,
  );
  return [...out, ...lines.sort()];
}

/** One pod per controller first, then the other replicas (they usually fail the same way). */
function prioritize(pods: KubeObject[]): KubeObject[] {
  const first: KubeObject[] = [];
  const rest: KubeObject[] = [];
  const controllers = new Set<string>();
  for (const p of pods) {
    const uid = (p.metadata.ownerReferences ?? []).find((r) => r.controller)?.uid;
    if (!uid) first.push(p);
    else if (controllers.has(uid)) rest.push(p);
    else {
      controllers.add(uid);
      first.push(p);
    }
  }
  return [...first, ...rest];
}
