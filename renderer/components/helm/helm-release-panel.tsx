// One Helm release: its newest revision's summary, every revision (decoded on demand from
// their Secrets), and the values, notes and manifest of the revision picked in the history;
// roll back to an older revision or uninstall through the host's helm (helm-actions.tsx).
import { useEffect, useState } from 'react';
import { stringify } from 'yaml';
import { decodeRelease, helmStatusClass, type HelmRelease } from '../../k8s/helm-release';
import type { HelmReleasesState } from '../../state/use-helm-releases';
import type { HelmInfo } from '../../../electron/host/protocol';
import type { HelmClient } from '../../host/helm-client';
import { HelmActions } from './helm-actions';

type Pane = 'values' | 'notes' | 'manifest';

export function HelmReleasePanel(p: {
  at: { namespace: string; name: string };
  state: HelmReleasesState;
  onClose: () => void;
  helm: HelmClient;
  helmInfo: HelmInfo | undefined;
}) {
  const { namespace, name } = p.at;
  const revs = p.state.revisions.get(`${namespace}/${name}`);
  const revKey = (revs ?? []).map((r) => `${r.revision}@${r.secret.resourceVersion}`).join(',');
  const [history, setHistory] = useState<Array<HelmRelease | Error>>([]);
  const [picked, setPicked] = useState<number | undefined>(undefined);
  const [pane, setPane] = useState<Pane>('values');
  const [rollbackTo, setRollbackTo] = useState<number | undefined>();
  const helmMissing = !p.helmInfo ? 'Asking the host for helm…' : p.helmInfo.available ? undefined : p.helmInfo.reason;
  useEffect(() => {
    let live = true;
    void Promise.all(
      (revs ?? []).map((r) => {
        const s = p.state.secrets.get(`${r.namespace}/${r.secret.name}`);
        return s ? decodeRelease(s).catch((e: Error) => e) : Promise.resolve(new Error(`revision ${r.revision}: record gone`));
      }),
    ).then((h) => live && setHistory(h));
    return () => {
      live = false;
    };
  }, [revKey]); // eslint-disable-line react-hooks/exhaustive-deps -- revKey names the revisions and their versions
  const decoded = history.filter((h): h is HelmRelease => !(h instanceof Error));
  const shown = decoded.find((h) => h.revision === picked) ?? decoded[0];
  const newest = p.state.releases.find((r) => r.namespace === namespace && r.name === name);
  return (
    <aside className="detail" data-testid="helm-panel" data-name={name}>
      <div className="detail-head">
        <h2 title={`Helm release ${namespace}/${name}`}>
          <span className="muted">Helm release</span> {name}
        </h2>
        {newest && revs && (
          <HelmActions
            release={newest}
            revisions={revs.length}
            info={p.helmInfo}
            helm={p.helm}
            rollbackTo={rollbackTo}
            onAsked={() => setRollbackTo(undefined)}
          />
        )}
        <button className="ghost" aria-label="Close details" data-testid="detail-close" onClick={p.onClose}>
          ×
        </button>
      </div>
      <div className="detail-body" tabIndex={0} role="region" aria-label={`Helm release ${name} details`}>
        {!revs ? (
          <div className="notice" style={{ marginTop: 12 }}>
            No Helm release {name} in namespace {namespace} (uninstalled, or not visible here).
          </div>
        ) : (
          <>
            {newest && (
              <div className="kv" style={{ marginTop: 8 }}>
                <span>Namespace</span>
                <span>{newest.namespace}</span>
                <span>Chart</span>
                <span>
                  {newest.chart}-{newest.chartVersion}
                </span>
                <span>App version</span>
                <span>{newest.appVersion}</span>
                <span>Status</span>
                <span className={helmStatusClass(newest.status)}>{newest.status}</span>
                <span>Description</span>
                <span>{newest.description}</span>
              </div>
            )}
            <h3>History</h3>
            <table className="plain-table" aria-label={`Revisions of ${name}`} data-testid="helm-history">
              <thead>
                <tr>
                  <th>Revision</th>
                  <th>Status</th>
                  <th>Chart</th>
                  <th>Updated</th>
                  <th>Description</th>
                  <th>Action</th>
                </tr>
              </thead>
              <tbody>
                {history.map((h, i) =>
                  h instanceof Error ? (
                    <tr key={i}>
                      <td colSpan={6} className="tone-bad">
                        {h.message}
                      </td>
                    </tr>
                  ) : (
                    <tr
                      key={h.revision}
                      className={h === shown ? 'selected' : undefined}
                      data-testid="helm-history-row"
                      data-revision={h.revision}
                    >
                      <td>
                        <button className="link" onClick={() => setPicked(h.revision)} aria-label={`Show revision ${h.revision}`}>
                          {h.revision}
                        </button>
                      </td>
                      <td className={helmStatusClass(h.status)}>{h.status}</td>
                      <td>
                        {h.chart}-{h.chartVersion}
                      </td>
                      <td>{h.updated.replace('T', ' ').replace(/\.\d+/, '')}</td>
                      <td className="wrap">{h.description}</td>
                      <td>
                        {newest && h.revision !== newest.revision && (
                          <button
                            data-testid="helm-rollback"
                            disabled={!!helmMissing}
                            title={helmMissing ?? `helm rollback ${name} ${h.revision}`}
                            onClick={() => setRollbackTo(h.revision)}
                          >
                            Roll back
                          </button>
                        )}
                      </td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
            {shown && (
              <>
                <div className="row-flex" role="group" aria-label="Show" style={{ margin: '12px 0 6px' }}>
                  <span className="muted">Revision {shown.revision}:</span>
                  {(['values', 'notes', 'manifest'] as const).map((k) => (
                    <button
                      key={k}
                      data-testid={`helm-${k}`}
                      aria-pressed={pane === k}
                      className={pane === k ? 'primary' : undefined}
                      onClick={() => setPane(k)}
                    >
                      {k === 'values' ? 'Values' : k === 'notes' ? 'Notes' : 'Manifest'}
                    </button>
                  ))}
                </div>
                <pre className="code-block" data-testid="helm-text">
                  {pane === 'values'
                    ? Object.keys(shown.values).length
                      ? stringify(shown.values)
                      : '# no values set: the chart defaults apply'
                    : pane === 'notes'
                      ? shown.notes || '(no notes)'
                      : shown.manifest}
                </pre>
              </>
            )}
            {history.length === 0 && revs.length > 0 && <div className="muted">Reading the revisions…</div>}
          </>
        )}
      </div>
    </aside>
  );
}
