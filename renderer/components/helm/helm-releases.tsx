// Helm releases (Helm 3 and 4 keep them as Secrets): name, namespace, revision, chart, app
// version, status and last update for the newest revision of each; a panel with the release's
// history, values, notes and manifest. Rollback and uninstall go through the host's helm binary;
// without one the view is read-only and says so.
import { formatAge } from '../../k8s/age';
import { helmStatusClass, type HelmRelease } from '../../k8s/helm-release';
import { useApp, useK8s } from '../../state/services';
import { useHelmReleases } from '../../state/use-helm-releases';
import { useNow } from '../../state/use-now';
import { ErrorBox } from '../error-box';
import { HelmReleasePanel } from './helm-release-panel';
import { useHelmClient, useHelmInfo } from './helm-actions';

export function HelmReleases() {
  const client = useK8s();
  const namespace = useApp((s) => s.namespace);
  const view = useApp((s) => s.view);
  const showHelm = useApp((s) => s.showHelm);
  const now = useNow(1000);
  const state = useHelmReleases(client, namespace);
  const helm = useHelmClient();
  const helmInfo = useHelmInfo(helm);
  const open = view.kind === 'helm' ? view.release : undefined;
  const isOpen = (r: HelmRelease) => open?.namespace === r.namespace && open.name === r.name;
  return (
    <div className="content">
      <div className="list-pane" data-testid="helm-releases">
        <div className="toolbar">
          <h2>
            Helm releases{' '}
            <span className="muted">
              (<span data-testid="list-count">{state.releases.length}</span>)
            </span>
          </h2>
          <span className="spacer" />
          <span className="muted small" data-testid="helm-mode">
            {!helmInfo
              ? ''
              : helmInfo.available
                ? `Roll back and uninstall through ${helmInfo.version ? `helm ${helmInfo.version}` : helmInfo.path}; upgrade with the helm CLI.`
                : `Read-only: ${helmInfo.reason}.`}
          </span>
        </div>
        {state.error && <ErrorBox error={state.error} title="Cannot read Helm releases" />}
        {state.problems.map((p) => (
          <div className="notice bad" key={p} data-testid="helm-problem">
            {p}
          </div>
        ))}
        <div className="page helm-table-wrap">
          {state.loading && !state.releases.length ? (
            <div className="muted">Loading Helm releases…</div>
          ) : !state.releases.length && !state.error ? (
            <div className="muted" data-testid="helm-empty">
              No Helm releases{namespace ? ` in namespace ${namespace}` : ''}. Helm keeps each release in a Secret labelled owner=helm.
            </div>
          ) : (
            <table className="plain-table" aria-label="Helm releases">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Namespace</th>
                  <th>Revision</th>
                  <th>Chart</th>
                  <th>App version</th>
                  <th>Status</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {state.releases.map((r) => (
                  <tr
                    key={`${r.namespace}/${r.name}`}
                    className={isOpen(r) ? 'selected' : undefined}
                    data-testid="helm-row"
                    data-name={r.name}
                    data-namespace={r.namespace}
                  >
                    <td>
                      <button className="link" data-testid="helm-open" onClick={() => showHelm({ namespace: r.namespace, name: r.name })}>
                        {r.name}
                      </button>
                    </td>
                    <td>{r.namespace}</td>
                    <td data-testid="helm-revision">{r.revision}</td>
                    <td data-testid="helm-chart">
                      {r.chart}-{r.chartVersion}
                    </td>
                    <td data-testid="helm-app-version">{r.appVersion}</td>
                    <td data-testid="helm-status" className={helmStatusClass(r.status)}>
                      {r.status}
                    </td>
                    <td title={r.updated}>{formatAge(r.updated, now)} ago</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
      {open && (
        <HelmReleasePanel
          key={`${open.namespace}/${open.name}`}
          at={open}
          state={state}
          onClose={() => showHelm(undefined)}
          helm={helm}
          helmInfo={helmInfo}
        />
      )}
    </div>
  );
}
