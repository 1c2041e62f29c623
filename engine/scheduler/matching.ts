// Label, node-selector-term and pod-affinity-term matching, as the Kubernetes API
// defines them. Pure functions; callers compile a pod's terms once and reuse them per node.
import type { KubeObject } from '../kinds/types';
import { labelSelectorFromObject } from '../apimachinery/selectors';
import type { NodeSelectorTerm, PodAffinityRules, PodAffinityTerm } from '../apimachinery/workload-types';

type Labels = Record<string, string>;

interface SelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

function requirementMatches(r: SelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || !/^-?\d+$/.test(value)) return false;
      const bound = Number(r.values?.[0]);
      return r.operator === 'Gt' ? Number(value) > bound : Number(value) < bound;
    }
    default:
      return false;
  }
}

/** One NodeSelectorTerm: all expressions and fields must hold; an empty term matches nothing. */
export function nodeSelectorTermMatches(term: NodeSelectorTerm | undefined, node: { name: string; labels: Labels }): boolean {
  const exprs: SelectorRequirement[] = term?.matchExpressions ?? [];
  const fields: SelectorRequirement[] = term?.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  for (const r of exprs) if (!requirementMatches(r, node.labels[r.key])) return false;
  for (const r of fields) {
    if (r.key !== 'metadata.name') return false;
    if (!requirementMatches(r, node.name)) return false;
  }
  return true;
}

/** A pod's nodeSelector plus its required node affinity (terms are ORed). */
export function requiredNodeMatch(pod: KubeObject): (node: { name: string; labels: Labels }) => boolean {
  const selector: Labels = pod.spec?.nodeSelector ?? {};
  const selKeys = Object.keys(selector);
  const terms: NodeSelectorTerm[] | undefined =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return (node) => {
    for (const k of selKeys) if (node.labels[k] !== selector[k]) return false;
    if (terms && !terms.some((t) => nodeSelectorTermMatches(t, node))) return false;
    return true;
  };
}

/** A compiled pod (anti-)affinity term: which pods it selects and over which topology key. */
export interface AffinityTerm {
  topologyKey: string;
  weight: number;
  matches(pod: KubeObject): boolean;
}

/**
 * Compiles a PodAffinityTerm of `owner`: an empty namespace list and no namespaceSelector mean
 * the owner's namespace; `namespaceSelector: {}` means every namespace.
 */
export function compileAffinityTerm(
  term: PodAffinityTerm | undefined,
  owner: KubeObject,
  nsLabels: (ns: string) => Labels | undefined,
  weight = 0,
): AffinityTerm {
  const selector = labelSelectorFromObject(term?.labelSelector ?? null);
  const namespaces: string[] = term?.namespaces ?? [];
  const nsSel = term?.namespaceSelector ? labelSelectorFromObject(term.namespaceSelector) : undefined;
  const ownNs = owner.metadata.namespace;
  const own = !namespaces.length && !nsSel;
  const ownLabels = owner.metadata.labels ?? {};
  // matchLabelKeys add the owner's values for those keys to the selector.
  const extra = (term?.matchLabelKeys ?? []).filter((k) => k in ownLabels).map((k) => [k, ownLabels[k]] as const);
  return {
    topologyKey: term?.topologyKey ?? '',
    weight,
    matches(pod) {
      const ns = pod.metadata.namespace!;
      const nsOk = own ? ns === ownNs : namespaces.includes(ns) || (nsSel !== undefined && nsSel.matches(nsLabels(ns) ?? {}));
      if (!nsOk) return false;
      const labels = pod.metadata.labels ?? {};
      for (const [k, v] of extra) if (labels[k] !== v) return false;
      return term?.labelSelector ? selector.matches(labels) : false;
    },
  };
}

export interface PodAffinityTerms {
  affinity: AffinityTerm[];
  antiAffinity: AffinityTerm[];
  preferredAffinity: AffinityTerm[];
  preferredAntiAffinity: AffinityTerm[];
}

export function compilePodAffinity(pod: KubeObject, nsLabels: (ns: string) => Labels | undefined): PodAffinityTerms {
  const a = (pod.spec?.affinity ?? {}) as { podAffinity?: PodAffinityRules; podAntiAffinity?: PodAffinityRules };
  const req = (x: PodAffinityRules | undefined) =>
    (x?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileAffinityTerm(t, pod, nsLabels));
  const pref = (x: PodAffinityRules | undefined) =>
    (x?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) =>
      compileAffinityTerm(w.podAffinityTerm, pod, nsLabels, w.weight ?? 0),
    );
  return {
    affinity: req(a.podAffinity),
    antiAffinity: req(a.podAntiAffinity),
    preferredAffinity: pref(a.podAffinity),
    preferredAntiAffinity: pref(a.podAntiAffinity),
  };
}
