// The score plugins: each gives every feasible node 0..100 (normalized over the feasible set)
// and the weighted sum decides. Weights follow kube-scheduler's defaults where they exist.
import type { NodeInfo } from './node-cache';
import type { PodContext } from './pod-context';
import { toleratedBy } from '../apimachinery/tolerations';

export const MAX_SCORE = 100;

/** Least allocated: the share of cpu and memory left free after placing the pod. */
export function leastAllocated(ctx: PodContext, n: NodeInfo): number {
  let sum = 0;
  for (const r of ['cpu', 'memory']) {
    const alloc = n.allocatable[r] ?? 0;
    const req = (n.scoreRequested[r] ?? 0) + (ctx.scoreRequests[r] ?? 0);
    sum += alloc > 0 && req <= alloc ? ((alloc - req) * MAX_SCORE) / alloc : 0;
  }
  return sum / 2;
}

/** Raw spread count: pods of the same workload already on the node (fewer is better). */
export const workloadCount = (ctx: PodContext, n: NodeInfo) => (ctx.workloadId >= 0 ? (n.workloads.get(ctx.workloadId) ?? 0) : 0);

export function preferredNodeAffinity(ctx: PodContext, n: NodeInfo): number {
  let s = 0;
  for (const p of ctx.preferredNodeTerms) if (p.matches(n)) s += p.weight;
  return s;
}

/** Raw count of PreferNoSchedule taints the pod does not tolerate (fewer is better). */
export function intolerablePreferNoSchedule(ctx: PodContext, n: NodeInfo): number {
  let c = 0;
  for (const t of n.taints) if (t.effect === 'PreferNoSchedule' && !toleratedBy(ctx.tolerations, t)) c++;
  return c;
}

/** Preferred pod affinity minus preferred anti-affinity, weighted by matching pods in the domain. */
export function preferredPodAffinity(ctx: PodContext, n: NodeInfo): number {
  let s = 0;
  const a = ctx.affinity;
  a.preferredAffinity.forEach((t, i) => {
    const v = n.labels[t.topologyKey];
    if (v !== undefined) s += t.weight * (ctx.preferredAffinityCounts[i].get(v) ?? 0);
  });
  a.preferredAntiAffinity.forEach((t, i) => {
    const v = n.labels[t.topologyKey];
    if (v !== undefined) s -= t.weight * (ctx.preferredAntiAffinityCounts[i].get(v) ?? 0);
  });
  return s;
}

const W = { leastAllocated: 1, spread: 2, nodeAffinity: 2, taint: 3, podAffinity: 2 };

/**
 * Scores every feasible node; returns the totals in the same order. Plugins with nothing to
 * say for this pod are skipped, so a plain pod pays only for least-allocated and spread.
 * Hot path: plain loops over typed arrays.
 */
export function scoreNodes(ctx: PodContext, nodes: NodeInfo[], scratch = newScratch()): Float64Array {
  const len = nodes.length;
  if (scratch.total.length < len) {
    scratch.total = new Float64Array(len * 2);
    scratch.raw = new Float64Array(len * 2);
  }
  const total = scratch.total.subarray(0, len);
  const raw = scratch.raw;
  total.fill(0);
  const cpu = ctx.scoreRequests.cpu ?? 0;
  const mem = ctx.scoreRequests.memory ?? 0;
  const wid = ctx.workloadId;
  let anyTaints = false;
  let max = 0;
  for (let i = 0; i < len; i++) {
    const n = nodes[i];
    total[i] = (W.leastAllocated * (free(n.allocCpu, n.scoreCpu, cpu) + free(n.allocMemory, n.scoreMemory, mem))) / 2;
    if (n.taints.length) anyTaints = true;
    const c = wid >= 0 ? (n.workloads.get(wid) ?? 0) : 0;
    raw[i] = c;
    if (c > max) max = c;
  }
  // Spread: fewer pods of the same workload is better.
  for (let i = 0; i < len; i++) total[i] += max > 0 ? (W.spread * MAX_SCORE * (max - raw[i])) / max : W.spread * MAX_SCORE;
  if (ctx.preferredNodeTerms.length) addNormalized(total, nodes, W.nodeAffinity, (n) => preferredNodeAffinity(ctx, n), false);
  if (anyTaints) addNormalized(total, nodes, W.taint, (n) => intolerablePreferNoSchedule(ctx, n), true);
  if (ctx.affinity.preferredAffinity.length || ctx.affinity.preferredAntiAffinity.length) {
    addNormalized(total, nodes, W.podAffinity, (n) => preferredPodAffinity(ctx, n), false);
  }
  return total;
}

/** Reusable buffers: scoring hundreds of nodes per pod should not allocate per pod. */
export interface ScoreScratch {
  total: Float64Array;
  raw: Float64Array;
}
export const newScratch = (): ScoreScratch => ({ total: new Float64Array(0), raw: new Float64Array(0) });

function free(alloc: number, used: number, want: number): number {
  const r = used + want;
  return alloc > 0 && r <= alloc ? ((alloc - r) * MAX_SCORE) / alloc : 0;
}

/** Adds weight × raw score scaled to 0..100 over min..max (reversed: lower raw is better). */
function addNormalized(total: Float64Array, nodes: NodeInfo[], weight: number, score: (n: NodeInfo) => number, reverse: boolean) {
  const raw = nodes.map(score);
  const min = reverse ? 0 : Math.min(0, ...raw);
  const max = Math.max(...raw);
  for (let i = 0; i < raw.length; i++) {
    if (max === min) {
      if (reverse) total[i] += weight * MAX_SCORE;
      continue;
    }
    const norm = (raw[i] - min) / (max - min);
    total[i] += weight * MAX_SCORE * (reverse ? 1 - norm : norm);
  }
}

/** The best-scoring index; ties are broken uniformly at random (reservoir sampling). */
export function pickBest(scores: ArrayLike<number>, random: () => number = Math.random): number {
  let best = -Infinity;
  let idx = -1;
  let ties = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] > best) {
      best = scores[i];
      idx = i;
      ties = 1;
    } else if (scores[i] === best) {
      ties++;
      if (random() * ties < 1) idx = i;
    }
  }
  return idx;
}
