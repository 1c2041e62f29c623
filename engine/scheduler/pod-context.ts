// What the scheduler computes once per pod before looking at nodes (kube-scheduler's PreFilter):
// requests, ports, tolerations, compiled node and pod affinity, and inter-pod affinity counts
// per topology domain, so that each per-node filter is a few map lookups.
import type { KubeObject } from '../kinds/types';
import {
  preferredNodeMatchers,
  requiredNodeMatcher,
  type NodeMatcher,
  type NodeSelection,
  type WeightedNodeMatcher,
} from '../apimachinery/node-selector';
import type { NodeCache, NodeInfo } from './node-cache';
import { makePodInfo, podKey, workloadKey } from './node-cache';
import type { Resources } from './resources';
import { compileSpreadConstraints, type SpreadConstraint } from './topology-spread';
import { compilePodAffinity, type AffinityTerm, type PodAffinityTerms } from './matching';
import type { Toleration } from '../apimachinery/workload-types';

type Labels = Record<string, string>;

export interface PodContext {
  pod: KubeObject;
  key: string;
  priority: number;
  requests: Resources;
  /** Resources the pod requests (> 0), in the order failure reasons list them. */
  requestNames: string[];
  /** Any required inter-pod (anti-)affinity to check, the pod's own or existing pods'. */
  hasInterPodRules: boolean;
  /** Whether the node selector / required node affinity must be checked at all. */
  hasNodeMatch: boolean;
  scoreRequests: Resources;
  ports: string[];
  tolerations: Toleration[];
  workload: string;
  /** The cache's id for the workload, or -1 when none of its pods is placed yet. */
  workloadId: number;
  nodeMatch: NodeMatcher;
  preferredNodeTerms: WeightedNodeMatcher[];
  affinity: PodAffinityTerms;
  /** Per required affinity term: topology value → matching pods there. */
  affinityCounts: Map<string, number>[];
  antiAffinityCounts: Map<string, number>[];
  /** "topologyKey\0value" domains where an existing pod's required anti-affinity rejects this pod. */
  existingAntiForbidden: Set<string>;
  /** No pod anywhere matches the required affinity, but the pod matches its own terms (first of a group). */
  affinitySelfSatisfied: boolean;
  preferredAffinityCounts: Map<string, number>[];
  preferredAntiAffinityCounts: Map<string, number>[];
  /** Hard topology spread constraints with their domain counts. */
  spread: SpreadConstraint[];
  /** Resources held on a node for higher-or-equal priority pods nominated there by preemption. */
  nominated?: (node: string) => Resources | undefined;
}

export interface PodContextDeps {
  cache: NodeCache;
  nsLabels?: (ns: string) => Labels | undefined;
  nominated?: (node: string, priority: number, exceptKey: string) => Resources | undefined;
  /** False when nothing is nominated anywhere (skips the per-node lookup). */
  nominatedAny?: () => boolean;
}

const noLabels = () => undefined;

export function buildPodContext(pod: KubeObject, priority: number, deps: PodContextDeps): PodContext {
  const info = makePodInfo(pod, '', priority);
  const nsLabels = deps.nsLabels ?? noLabels;
  const affinity = compilePodAffinity(pod, nsLabels);
  const key = podKey(pod);
  const selection = pod.spec as NodeSelection | undefined;
  const ctx: PodContext = {
    pod,
    key,
    priority,
    requests: info.requests,
    requestNames: requestOrder(info.requests),
    hasInterPodRules: false,
    hasNodeMatch:
      !!(pod.spec?.nodeSelector && Object.keys(pod.spec.nodeSelector).length) ||
      !!pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
    scoreRequests: info.scoreRequests,
    ports: info.ports,
    tolerations: pod.spec?.tolerations ?? [],
    workload: workloadKey(pod),
    workloadId: -1,
    nodeMatch: requiredNodeMatcher(selection),
    preferredNodeTerms: preferredNodeMatchers(selection),
    affinity,
    affinityCounts: [],
    antiAffinityCounts: [],
    existingAntiForbidden: new Set(),
    affinitySelfSatisfied: false,
    preferredAffinityCounts: [],
    preferredAntiAffinityCounts: [],
    spread: [],
  };
  ctx.workloadId = deps.cache.workloadId(ctx.workload);
  if (pod.spec?.topologySpreadConstraints?.length)
    ctx.spread = compileSpreadConstraints(pod, deps.cache.nodes(), ctx.nodeMatch, ctx.tolerations);
  if (deps.nominated && deps.nominatedAny?.() !== false) {
    const nominated = deps.nominated;
    ctx.nominated = (node) => nominated(node, priority, key);
  }
  const hasOwnTerms =
    affinity.affinity.length + affinity.antiAffinity.length + affinity.preferredAffinity.length + affinity.preferredAntiAffinity.length > 0;
  if (hasOwnTerms) countDomains(ctx, deps.cache.nodes());
  // Existing pods whose required anti-affinity selects this pod forbid their domains.
  for (const p of deps.cache.podsWithAffinity()) {
    const terms = p.pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!terms?.length) continue;
    const node = deps.cache.get(p.nodeName);
    if (!node) continue;
    for (const t of compilePodAffinity(p.pod, nsLabels).antiAffinity) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined && t.matches(pod)) ctx.existingAntiForbidden.add(`${t.topologyKey}\0${v}`);
    }
  }
  ctx.hasInterPodRules = ctx.existingAntiForbidden.size > 0 || affinity.affinity.length > 0 || affinity.antiAffinity.length > 0;
  return ctx;
}

const RESOURCE_ORDER = ['cpu', 'memory', 'ephemeral-storage'];
const rank = (r: string) => {
  const i = RESOURCE_ORDER.indexOf(r);
  return i < 0 ? RESOURCE_ORDER.length : i;
};

function requestOrder(requests: Resources): string[] {
  return Object.keys(requests)
    .filter((r) => r !== 'pods' && requests[r] > 0)
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
}

/** Counts, per term and topology value, the pods each of this pod's affinity terms selects. */
function countDomains(ctx: PodContext, nodes: NodeInfo[]) {
  const groups: [AffinityTerm[], Map<string, number>[]][] = [
    [ctx.affinity.affinity, ctx.affinityCounts],
    [ctx.affinity.antiAffinity, ctx.antiAffinityCounts],
    [ctx.affinity.preferredAffinity, ctx.preferredAffinityCounts],
    [ctx.affinity.preferredAntiAffinity, ctx.preferredAntiAffinityCounts],
  ];
  for (const [terms, counts] of groups) for (const _ of terms) counts.push(new Map());
  for (const n of nodes) {
    for (const p of n.pods.values()) {
      if (p.key === ctx.key) continue;
      for (const [terms, counts] of groups) {
        terms.forEach((t, i) => {
          const v = n.labels[t.topologyKey];
          if (v === undefined || !t.matches(p.pod)) return;
          counts[i].set(v, (counts[i].get(v) ?? 0) + 1);
        });
      }
    }
  }
  ctx.affinitySelfSatisfied =
    ctx.affinity.affinity.length > 0 &&
    ctx.affinityCounts.every((m) => m.size === 0) &&
    ctx.affinity.affinity.every((t) => t.matches(ctx.pod));
}
