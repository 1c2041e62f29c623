// Events about one object (fieldSelector involvedObject.uid), live.
import { resourcePath, wellKnown } from '../../k8s/resources';
import { toneForCell } from '../../k8s/status-tone';
import { useK8s } from '../../state/services';
import { useLiveTable } from '../../state/use-live-table';
import { formatAge } from '../../k8s/age';

export function EventsSection({ uid }: { uid?: string }) {
  const client = useK8s();
  const live = useLiveTable(client, uid ? resourcePath(wellKnown.events) : undefined, {
    fieldSelector: `involvedObject.uid=${uid}`,
    includeObject: 'Object',
    poll: true,
    pollMs: 4000,
  });
  const rows = [...live.set.rows].sort((a, b) => eventTime(b) - eventTime(a)).slice(0, 50);
  return (
    <section data-testid="events-section">
      <h3>Events</h3>
      {live.error ? (
        <div className="small tone-bad">{live.error.message}</div>
      ) : !rows.length ? (
        <div className="muted small">{live.loading ? 'Loading…' : 'No events.'}</div>
      ) : (
        <table className="mini">
          <thead>
            <tr>
              <th>Age</th>
              <th>Type</th>
              <th>Reason</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const e = r.object;
              return (
                <tr key={r.key}>
                  <td className="muted">{formatAge(e?.lastTimestamp ?? e?.eventTime ?? e?.metadata.creationTimestamp, Date.now())}</td>
                  <td className={`tone-${toneForCell('type', e?.type ?? '') ?? ''}`}>{e?.type}</td>
                  <td>
                    {e?.reason}
                    {(e?.count ?? 1) > 1 ? ` ×${e?.count}` : ''}
                  </td>
                  <td>{e?.message}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function eventTime(r: { object?: { lastTimestamp?: string; eventTime?: string; metadata: { creationTimestamp?: string } } }): number {
  const e = r.object;
  return Date.parse(e?.lastTimestamp ?? e?.eventTime ?? e?.metadata.creationTimestamp ?? '') || 0;
}
