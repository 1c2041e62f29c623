// What the namespace picker offers: the cluster's namespaces (plus "All namespaces"), or, when
// listing them is forbidden, the host's allow-list only (listing across all namespaces would be
// forbidden as well, so the picker starts in the context's namespace).
import type { ProfileNamespaces } from '../../../electron/host/protocol';

export interface NamespaceChoices {
  from: 'cluster' | 'allow-list';
  names: string[];
  /** Offer "All namespaces". */
  all: boolean;
  /** Switch to this namespace (the current choice is not allowed). */
  switchTo?: string;
}

export function namespaceChoices(
  current: string,
  fromCluster: string[],
  forbidden: boolean,
  allowed: ProfileNamespaces | undefined,
): NamespaceChoices {
  if (!forbidden || !allowed) return { from: 'cluster', names: fromCluster, all: true };
  const names = allowed.namespaces.length ? allowed.namespaces : [allowed.defaultNamespace];
  return { from: 'allow-list', names, all: false, ...(current === '' ? { switchTo: allowed.defaultNamespace } : {}) };
}
