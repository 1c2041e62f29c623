// Hard pod topology spread (whenUnsatisfiable: DoNotSchedule): counts a constraint's matching
// pods per topology domain once per pod; the filter then checks the skew a placement would make.
import type { KubeObject } from '../kinds/types';
import { labelSelectorFromObject } from '../apimachinery/selectors';
import type { NodeInfo } from './node-cache';
import { toleratedBy } from '../apimachinery/tolerations';
import type { Toleration, TopologySpreadConstraint } from '../apimachinery/workload-types';

export interface SpreadConstraint {
  key: string;
  maxSkew: number;
  /** Matching pods per domain value (every eligible domain present, possibly 0). */
  counts: Map<string, number>;
  /** The smallest count over eligible domains (0 when fewer domains than minDomains). */
  min: number;
  /** 1 when the incoming pod matches its own selector (it adds to the domain it lands in). */
  self: number;
}

/** Whether the pod tolerates the node's NoSchedule and NoExecute taints (nodeTaintsPolicy: Honor). */
function toleratesDoNotSchedule(tolerations: Toleration[], n: NodeInfo): boolean {
  return n.taints.every((t) => (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') || toleratedBy(tolerations, t));
}

export function compileSpreadConstraints(
  pod: KubeObject,
  nodes: NodeInfo[],
  nodeMatch: (n: NodeInfo) => boolean,
  tolerations: Toleration[] = [],
): SpreadConstraint[] {
  const raw = ((pod.spec?.topologySpreadConstraints ?? []) as TopologySpreadConstraint[]).filter(
    (c) => c.whenUnsatisfiable === 'DoNotSchedule',
  );
  if (!raw.length) return [];
  const ns = pod.metadata.namespace;
  const ownLabels = pod.metadata.labels ?? {};
  return raw.map((c) => {
    const selector = labelSelectorFromObject(c.labelSelector ?? null);
    const extra = (c.matchLabelKeys ?? []).filter((k) => k in ownLabels).map((k): [string, string] => [k, ownLabels[k]]);
    const matches = (labels: Record<string, string>) => selector.matches(labels) && extra.every(([k, v]) => labels[k] === v);
    const counts = new Map<string, number>();
    // Which nodes' domains count, as upstream: nodeAffinityPolicy defaults to Honor,
    // nodeTaintsPolicy to Ignore (a tainted node's domain still counts, so with a partitioned
    // node the skew may keep replacement pods Pending until it is back or Honor is set).
    const honorAffinity = (c.nodeAffinityPolicy ?? 'Honor') === 'Honor';
    const honorTaints = c.nodeTaintsPolicy === 'Honor';
    for (const n of nodes) {
      const v = n.labels[c.topologyKey];
      if (v === undefined || (honorAffinity && !nodeMatch(n)) || (honorTaints && !toleratesDoNotSchedule(tolerations, n))) continue;
      let count = counts.get(v) ?? 0;
      for (const p of n.pods.values()) {
        if (p.pod.metadata.namespace === ns && !p.pod.metadata.deletionTimestamp && matches(p.pod.metadata.labels ?? {})) count++;
      }
      counts.set(v, count);
    }
    let min = counts.size ? Math.min(...counts.values()) : 0;
    if (c.minDomains && counts.size < c.minDomains) min = 0;
    return { key: c.topologyKey, maxSkew: c.maxSkew ?? 1, counts, min, self: c.labelSelector && matches(ownLabels) ? 1 : 0 };
  });
}

/** The failure reason for placing the pod on `n`, or undefined when every constraint holds. */
export function spreadViolation(constraints: SpreadConstraint[], n: NodeInfo): { reason: string; unresolvable: boolean } | undefined {
  for (const c of constraints) {
    const v = n.labels[c.key];
    if (v === undefined)
      return { reason: "node(s) didn't match pod topology spread constraints (missing required label)", unresolvable: true };
    if ((c.counts.get(v) ?? 0) + c.self - c.min > c.maxSkew)
      return { reason: "node(s) didn't match pod topology spread constraints", unresolvable: false };
  }
  return undefined;
}
