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

export function useObjectEvents(uid: string | undefined): ObjectEvents {
  const client = useK8s();
  const live = useLiveTable(client, uid ? resourcePath(wellKnown.events) : undefined, {
    fieldSelector: `involvedObject.uid=${uid}`,
    includeObject: 'Object',
    poll: true,
    pollMs: 2000,
  });
  return { events: live.set.rows.flatMap((r) => (r.object ? [asEvent(r.object)] : [])), loading: live.loading, error: live.error };
}
