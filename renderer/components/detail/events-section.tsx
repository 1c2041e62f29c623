// Events about one object, newest first: type, reason, how often, how long ago, who reported it.
import { toneForCell } from '../../k8s/status-tone';
import { eventSource, eventTime } from '../../k8s/events';
import type { ObjectEvents } from '../../state/use-object-events';
import { useNow } from '../../state/use-now';
import { formatDuration } from '../../k8s/age';
import { forbiddenWords } from '../../k8s/errors';

export function EventsSection({ live }: { live: ObjectEvents }) {
  const now = useNow();
  const rows = live.events
    .map((e) => ({ key: e.metadata.uid ?? e.metadata.name, e, t: eventTime(e) }))
    .sort((a, b) => b.t - a.t)
    .slice(0, 50);
  return (
    <section data-testid="events-section">
      <h3>Events</h3>
      {live.error ? (
        <div className="small tone-bad">{forbiddenWords(live.error.message) ?? live.error.message}</div>
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
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ key, e, t }) => (
              <tr key={key} data-testid="event-row" data-type={e.type}>
                <td className="muted" title={t ? new Date(t).toISOString() : undefined}>
                  {t ? formatDuration(Math.max(0, now - t)) : ''}
                </td>
                <td className={`tone-${toneForCell('type', e.type ?? '') ?? ''}`}>{e.type}</td>
                <td>
                  {e.reason}
                  {(e.count ?? 1) > 1 ? <span className="muted"> ×{e.count}</span> : null}
                </td>
                <td>{e.message || e.note}</td>
                <td className="muted small">{eventSource(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
