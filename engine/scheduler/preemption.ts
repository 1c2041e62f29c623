// Preemption (kube-scheduler's DefaultPreemption, simplified): when nothing fits, find the node
// where evicting the fewest, lowest-priority pods makes the pod fit. Pure: picks victims; the
// caller deletes them and nominates the node.
import type { NodeInfo, PodInfo } from './node-cache';
import type { PodContext } from './pod-context';
import { runFilters, type FilterFailure } from './filters';
import { addTo } from './resources';
import { histogram } from './find-node';

export interface PreemptionPlan {
  node: string;
  victims: PodInfo[];
}

export type PreemptionResult = { plan: PreemptionPlan } | { plan?: undefined; message: string };

const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
const NO_VICTIMS = 'No preemption victims found for incoming pod';

/** A copy of the node's accounting with some pods taken out (the cache itself is untouched). */
function without(n: NodeInfo, gone: PodInfo[]): NodeInfo {
  const copy: NodeInfo = {
    ...n,
    requested: { ...n.requested },
    scoreRequested: { ...n.scoreRequested },
    pods: new Map(n.pods),
    ports: new Map(n.ports),
    workloads: new Map(n.workloads),
  };
  for (const p of gone) {
    copy.pods.delete(p.key);
    addTo(copy.requested, p.requests, -1);
    copy.requested.pods = (copy.requested.pods ?? 0) - 1;
    copy.reqCpu -= p.requests.cpu ?? 0;
    copy.reqMemory -= p.requests.memory ?? 0;
    copy.podCount--;
    for (const k of p.ports) {
      const v = (copy.ports.get(k) ?? 0) - 1;
      if (v <= 0) copy.ports.delete(k);
      else copy.ports.set(k, v);
    }
  }
  return copy;
}

const byPriorityThenAge = (a: PodInfo, b: PodInfo) =>
  b.priority - a.priority || String(a.pod.metadata.creationTimestamp ?? '').localeCompare(String(b.pod.metadata.creationTimestamp ?? ''));

/** The victims needed on one node, or undefined when even evicting every lower-priority pod is not enough. */
export function victimsOnNode(ctx: PodContext, n: NodeInfo): PodInfo[] | undefined {
  const lower = [...n.pods.values()].filter((p) => p.priority < ctx.priority);
  if (!lower.length) return undefined;
  if (runFilters(ctx, without(n, lower))) return undefined;
  // Reprieve as many as possible, most important first: keep a pod when the pod still fits.
  lower.sort(byPriorityThenAge);
  const removed = new Set(lower);
  for (const p of lower) {
    removed.delete(p);
    if (runFilters(ctx, without(n, [...removed]))) removed.add(p);
  }
  return [...removed];
}

export function planPreemption(ctx: PodContext, nodes: NodeInfo[], failures: Map<string, FilterFailure>): PreemptionResult {
  const numNodes = nodes.length;
  if (ctx.pod.spec?.preemptionPolicy === 'Never') {
    return { message: 'preemption: not eligible due to preemptionPolicy=Never.' };
  }
  let best: PreemptionPlan | undefined;
  let bestKey: number[] | undefined;
  const reasons: { reasons: string[] }[] = [];
  for (const n of nodes) {
    const f = failures.get(n.name);
    if (!f) continue;
    if (f.unresolvable) {
      reasons.push({ reasons: [NOT_HELPFUL] });
      continue;
    }
    const victims = victimsOnNode(ctx, n);
    if (!victims?.length) {
      reasons.push({ reasons: [NO_VICTIMS] });
      continue;
    }
    // Lowest "highest victim priority", then lowest priority sum, then fewest victims.
    const key = [Math.max(...victims.map((v) => v.priority)), victims.reduce((s, v) => s + v.priority, 0), victims.length];
    if (!bestKey || lessThan(key, bestKey)) {
      best = { node: n.name, victims };
      bestKey = key;
    }
  }
  if (best) return { plan: best };
  return { message: `preemption: 0/${numNodes} nodes are available: ${histogram(reasons)}.` };
}

function lessThan(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}
