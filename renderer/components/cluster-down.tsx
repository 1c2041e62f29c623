// When the selected profile is a local cluster that is not running: say so, offer Start (and,
// after a crash, the setting that restarts crashed clusters).
import { localProfile } from '../state/app-store';
import { useApp } from '../state/services';
import { CrashRestartCheckbox } from './crash-restart-toggle';

export function ClusterDown() {
  const profile = useApp((s) => s.profile);
  const cluster = useApp((s) => Object.values(s.clusters).find((c) => localProfile(c) === profile));
  const clusterAction = useApp((s) => s.clusterAction);
  if (!cluster || cluster.state === 'running') return null;
  const busy = cluster.state === 'starting' || cluster.state === 'stopping';
  return (
    <div className="notice" data-testid="cluster-down" style={{ margin: '8px 12px' }}>
      <div className="row-flex">
        <span>
          Cluster <strong>{cluster.name}</strong> is {cluster.state}
          {cluster.error ? `: ${cluster.error}` : ''}.
        </span>
        <span className="spacer" />
        {!busy && (
          <button className="primary" data-testid="cluster-down-start" onClick={() => clusterAction(cluster.name, 'start')}>
            Start {cluster.name}
          </button>
        )}
      </div>
      {cluster.crashed && <CrashRestartCheckbox />}
    </div>
  );
}
