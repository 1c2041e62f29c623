// What every object has: metadata, labels, annotations, owners (click through), conditions.
import { useState } from 'react';
import { formatAge } from '../../k8s/age';
import { ownerResource } from '../../k8s/resources';
import type { KubeObject } from '../../k8s/types';
import { useApp } from '../../state/services';
import { useNow } from '../../state/use-now';

export function Chips({ map }: { map?: Record<string, string> }) {
  const entries = Object.entries(map ?? {});
  if (!entries.length) return <span className="muted">none</span>;
  return (
    <div className="chips">
      {entries.map(([k, v]) => (
        <span className="chip" key={k}>
          {k}={v}
        </span>
      ))}
    </div>
  );
}

function Annotations({ map }: { map?: Record<string, string> }) {
  const [open, setOpen] = useState(false);
  const entries = Object.entries(map ?? {});
  if (!entries.length) return <span className="muted">none</span>;
  const shown = open ? entries : entries.slice(0, 4);
  return (
    <div>
      {shown.map(([k, v]) => (
        <div key={k} className="mono small">
          <span className="muted">{k}:</span> {v.length > 200 && !open ? v.slice(0, 200) + '…' : v}
        </div>
      ))}
      {entries.length > 4 || entries.some(([, v]) => v.length > 200) ? (
        <button className="link small" onClick={() => setOpen(!open)}>
          {open ? 'less' : `all ${entries.length}`}
        </button>
      ) : null}
    </div>
  );
}

export function MetaSection({ obj }: { obj: KubeObject }) {
  const profile = useApp((s) => s.profile);
  const resources = useApp((s) => (profile ? s.discovery[profile]?.resources : undefined)) ?? [];
  const showList = useApp((s) => s.showList);
  const select = useApp((s) => s.select);
  const now = useNow();
  const m = obj.metadata;
  return (
    <section>
      <h3>Metadata</h3>
      <div className="kv">
        <span>Name</span>
        <span className="mono">{m.name}</span>
        {m.namespace && (
          <>
            <span>Namespace</span>
            <span>{m.namespace}</span>
          </>
        )}
        <span>Created</span>
        <span title={m.creationTimestamp} data-testid="created-age">
          {formatAge(m.creationTimestamp, now)} ago
        </span>
        {m.deletionTimestamp && (
          <>
            <span>Deleting</span>
            <span className="tone-warn">since {formatAge(m.deletionTimestamp, now)}</span>
          </>
        )}
        <span>UID</span>
        <span className="mono small">{m.uid}</span>
        <span>Labels</span>
        <Chips map={m.labels} />
        <span>Annotations</span>
        <Annotations map={m.annotations} />
        {!!m.ownerReferences?.length && (
          <>
            <span>Owners</span>
            <span>
              {m.ownerReferences.map((o) => {
                const r = ownerResource(resources, o);
                return (
                  <div key={o.uid}>
                    {r ? (
                      <button
                        className="link"
                        data-testid="owner-link"
                        onClick={() => {
                          showList(r);
                          select({ resource: r, namespace: m.namespace ?? '', name: o.name });
                        }}
                      >
                        {o.kind}/{o.name}
                      </button>
                    ) : (
                      <span>
                        {o.kind}/{o.name}
                      </span>
                    )}
                    {o.controller && <span className="muted small"> (controller)</span>}
                  </div>
                );
              })}
            </span>
          </>
        )}
      </div>
    </section>
  );
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export function ConditionsSection({ conditions }: { conditions?: Condition[] }) {
  const now = useNow();
  if (!conditions?.length) return null;
  return (
    <section>
      <h3>Conditions</h3>
      <table className="mini" data-testid="conditions">
        <thead>
          <tr>
            <th>Type</th>
            <th>Status</th>
            <th>Reason</th>
            <th>Message</th>
            <th>Since</th>
          </tr>
        </thead>
        <tbody>
          {conditions.map((c) => (
            <tr key={c.type}>
              <td>{c.type}</td>
              <td className={`tone-${conditionTone(c) ?? ''}`}>{c.status}</td>
              <td>{c.reason}</td>
              <td>{c.message}</td>
              <td className="muted">{formatAge(c.lastTransitionTime, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Conditions whose True is bad (node pressure) read the other way round. */
function conditionTone(c: Condition) {
  const inverted = /Pressure$|^NetworkUnavailable$|^ReplicaFailure$|^Failed$/.test(c.type);
  if (c.status === 'Unknown') return 'warn';
  const good = (c.status === 'True') !== inverted;
  return good ? 'ok' : 'bad';
}
