// Pod (anti-)affinity terms compiled into matchers, as the Kubernetes API defines them (node
// selection is apimachinery/node-selector.ts). Callers compile a pod's terms once per pod.
import type { KubeObject } from '../kinds/types';
import { labelSelectorFromObject } from '../apimachinery/selectors';
import type { PodAffinityRules, PodAffinityTerm } from '../apimachinery/workload-types';

type Labels = Record<string, string>;

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
