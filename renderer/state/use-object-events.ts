// The events about one object (fieldSelector involvedObject.uid), re-read every 2 s: a side
// panel must not hold a watch connection. Shared by the panel's Events section and the
// pod's "why" line.
import { resourcePath, wellKnown } from '../k8s/resources';
import { asEvent, type KubeEvent } from '../k8s/events';
import { useK8s } from './services';
import { useLiveTable } from './use-live-table';

export interface ObjectEvents {
  events: KubeEvent[];
  loading: boolean;
  error?: Error;
}

/**
 * namespace: a namespaced object's events are in its namespace, read there (an identity limited
 * to that namespace may not list events cluster-wide); a cluster-scoped object's are anywhere.
 */
export function useObjectEvents(uid: string | undefined, namespace = ''): ObjectEvents {
  const client = useK8s();
  const live = useLiveTable(client, uid ? resourcePath(wellKnown.events, namespace) : undefined, {
    fieldSelector: `involvedObject.uid=${uid}`,
    includeObject: 'Object',
    poll: true,
    pollMs: 2000,
  });
  return { events: live.set.rows.flatMap((r) => (r.object ? [asEvent(r.object)] : [])), loading: live.loading, error: live.error };
}
