// namespaceSelector and objectSelector (upstream's namespace and object matchers). A namespaced
// request is matched on its namespace's labels; a cluster-scoped one always passes, except a
// Namespace itself, matched on its own labels. objectSelector passes when either the new or
// the old object matches (so a request removing the label is still seen).
import { labelSelectorFromObject, type LabelSelector } from '../../../apimachinery/selectors';
import type { KubeObject } from '../../../kinds/types';
import type { AdmissionAttributes, Webhook } from './types';

function selects(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  return labelSelectorFromObject(selector ?? {}).matches(labels ?? {});
}

function isEmpty(selector: LabelSelector | undefined): boolean {
  return !selector || (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length);
}

const labelsOf = (o: KubeObject | undefined) => o?.metadata?.labels;

export function objectSelectorMatches(webhook: Webhook, a: AdmissionAttributes): boolean {
  if (isEmpty(webhook.objectSelector)) return true;
  // A CONNECT's object is its options, which have no labels: upstream never matches them.
  if (a.operation === 'CONNECT') return false;
  const objs = [a.object, a.oldObject].filter((o): o is KubeObject => o !== undefined);
  return objs.some((o) => selects(webhook.objectSelector, labelsOf(o)));
}

/** `namespaceLabels` reads a namespace's labels (undefined when it does not exist). */
export async function namespaceSelectorMatches(
  webhook: Webhook,
  a: AdmissionAttributes,
  namespaceLabels: (name: string) => Promise<Record<string, string> | undefined>,
): Promise<boolean> {
  if (isEmpty(webhook.namespaceSelector)) return true;
  if (a.def.group === '' && a.def.plural === 'namespaces') {
    return selects(webhook.namespaceSelector, labelsOf(a.object ?? a.oldObject));
  }
  if (!a.def.namespaced || !a.namespace) return true;
  return selects(webhook.namespaceSelector, await namespaceLabels(a.namespace));
}
