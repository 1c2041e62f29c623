// One scheduling decision: filter nodes (only as many as needed, round-robin from where the last
// search stopped, as kube-scheduler's percentageOfNodesToScore does), score the feasible ones,
// pick the best. Pure over the cache: no I/O.
import type { NodeCache, NodeInfo } from './node-cache';
import type { PodContext } from './pod-context';
import { activeFilters, runFilters, type FilterFailure } from './filters';
import { newScratch, pickBest, scoreNodes } from './scores';

/** How many feasible nodes are enough: all below 100 nodes, then an adaptive share (≥ 5%, ≥ 100). */
export function feasibleNodesToFind(numNodes: number): number {
  if (numNodes < 100) return numNodes;
  const pct = Math.max(5, 50 - Math.floor(numNodes / 125));
  return Math.max(100, Math.floor((numNodes * pct) / 100));
}

export type FindResult =
  | { node: string; evaluated: number; feasible: number }
  | { node?: undefined; numNodes: number; failures: Map<string, FilterFailure> };

export interface NodeFinder {
  find(ctx: PodContext, nominatedNode?: string): FindResult;
}

export function createNodeFinder(cache: NodeCache, random: () => number = Math.random): NodeFinder {
  let next = 0;
  const scratch = newScratch();
  const feasible: NodeInfo[] = [];
  return {
    find(ctx, nominatedNode) {
      // A pod that preempted for a node tries that node first.
      if (nominatedNode) {
        const n = cache.get(nominatedNode);
        if (n?.node && !runFilters(ctx, n)) return { node: n.name, evaluated: 1, feasible: 1 };
      }
      const nodes = cache.nodes();
      const filters = activeFilters(ctx);
      const len = nodes.length;
      const want = feasibleNodesToFind(len);
      feasible.length = 0;
      const failures = new Map<string, FilterFailure>();
      let i = 0;
      for (; i < len && feasible.length < want; i++) {
        const n = nodes[(next + i) % len];
        const f = runFilters(ctx, n, filters);
        if (f) failures.set(n.name, f);
        else feasible.push(n);
      }
      if (len) next = (next + i) % len;
      if (!feasible.length) return { numNodes: len, failures };
      if (feasible.length === 1) return { node: feasible[0].name, evaluated: i, feasible: 1 };
      const best = pickBest(scoreNodes(ctx, feasible, scratch), random);
      return { node: feasible[best].name, evaluated: i, feasible: feasible.length };
    },
  };
}

/**
 * kube-scheduler's FitError text: a histogram of reasons over nodes, each "N reason", sorted
 * as strings and joined: "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu."
 */
export function fitErrorMessage(numNodes: number, failures: Iterable<{ reasons: string[] }>): string {
  return `0/${numNodes} nodes are available: ${histogram(failures)}.`;
}

export function histogram(failures: Iterable<{ reasons: string[] }>): string {
  const counts = new Map<string, number>();
  for (const f of failures) for (const r of f.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts]
    .map(([r, c]) => `${c} ${r}`)
    .sort()
    .join(', ');
}
