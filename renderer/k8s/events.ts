// Reading core/v1 Events (and events.k8s.io fields the API server may fill): when, and who said it.
import type { KubeObject } from './types';

/** Last time the event happened (ms since epoch), 0 when it carries no time. */
export function eventTime(e: KubeObject): number {
  return Date.parse(e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.metadata.creationTimestamp ?? '') || 0;
}

/** "kubelet, node-1" the way kubectl describe prints the source. */
export function eventSource(e: KubeObject): string {
  const component = e.source?.component ?? e.reportingComponent ?? '';
  const host = e.source?.host ?? e.reportingInstance ?? '';
  return [component, host && host !== component ? host : ''].filter(Boolean).join(', ');
}
