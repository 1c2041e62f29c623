// Reading core/v1 Events (and events.k8s.io fields the API server may fill): when, and who said it.
import type { KubeObject, ObjectMeta } from './types';

/** The fields of an Event the app reads. */
export interface KubeEvent {
  metadata: ObjectMeta;
  type?: string;
  reason?: string;
  message?: string;
  note?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  series?: { lastObservedTime?: string };
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
  involvedObject?: { uid?: string; kind?: string; name?: string };
}

/** An Event row object, read as an Event (objects carry any field). */
export const asEvent = (o: KubeObject): KubeEvent => o;

/** Last time the event happened (ms since epoch), 0 when it carries no time. */
export function eventTime(e: KubeEvent): number {
  return Date.parse(e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.metadata.creationTimestamp ?? '') || 0;
}

/** "kubelet, node-1" the way kubectl describe prints the source. */
export function eventSource(e: KubeEvent): string {
  const component = e.source?.component ?? e.reportingComponent ?? '';
  const host = e.source?.host ?? e.reportingInstance ?? '';
  return [component, host && host !== component ? host : ''].filter(Boolean).join(', ');
}
