// Label and field selectors from query parameters, turned into object matchers. Every kind
// supports metadata.name and metadata.namespace; kinds add their own fields in engine/kinds.
import type { KindDef, KubeObject } from '../kinds/types';
import { parseLabelSelector, compileFieldSelector } from '../apimachinery/selectors';

export function labelMatcher(selector: string) {
  const m = parseLabelSelector(selector);
  return (labels: Record<string, string> | undefined) => m.matches(labels);
}

export function fieldMatcher(def: KindDef, selector: string) {
  const getters: Record<string, (obj: KubeObject) => string> = {
    'metadata.name': (o) => o.metadata.name ?? '',
    ...(def.namespaced ? { 'metadata.namespace': (o: KubeObject) => o.metadata.namespace ?? '' } : {}),
    ...(def.fieldSelectors ?? {}),
  };
  const m = compileFieldSelector(selector, getters);
  return (obj: KubeObject) => m.matches(obj);
}
