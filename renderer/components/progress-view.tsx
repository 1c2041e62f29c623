// A cluster's start: each step with its state, a progress bar, and on failure the error,
// where the log is, and Retry.
import { useApp } from '../state/services';

const icons: Record<string, string> = { pending: '○', running: '◌', done: '✓', failed: '✕' };

export function ProgressView({ cluster: name }: { cluster: string }) {
  const cluster = useApp((s) => s.clusters[name]);
  const app = useApp((s) => s.app);
  const clusterAction = useApp((s) => s.clusterAction);
  const showStart = useApp((s) => s.showStart);
  if (!cluster) {
    return (
      <div className="page">
        <div className="center-card">
          Cluster {name} is gone.{' '}
          <button className="link" onClick={showStart}>
            Start another
          </button>
        </div>
      </div>
    );
  }
  const failed = cluster.state === 'failed';
  const pct = Math.round(Math.max(0, Math.min(1, cluster.progress ?? 0)) * 100);
  // The host names the log in its error ("...; see <path>"); otherwise it is <dataDir>/<name>/skiff.log.
  const logInError = /see \//.test(cluster.error ?? '');
  const logFile = app ? `${app.dataDir}/${cluster.name}/skiff.log` : '';
  return (
    <div className="page">
      <div className="center-card" data-testid="progress" data-state={cluster.state}>
        <h1>
          {failed
            ? cluster.crashed
              ? `Cluster ${cluster.name} stopped unexpectedly`
              : `Cluster ${cluster.name} did not start`
            : cluster.state === 'running'
              ? `Cluster ${cluster.name} is running`
              : `Starting cluster ${cluster.name}…`}
        </h1>
        <div className="muted small">
          {cluster.nodes ?? 1} node(s) · {cluster.runtime === 'simulated' ? <span className="tag warn">simulated</span> : 'Docker'}
        </div>
        <div className="progress-bar" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
          <div style={{ width: `${pct}%` }} />
        </div>
        <ul className="steps">
          {cluster.steps.map((s) => (
            <li key={s.id} data-testid="progress-step" data-state={s.state} data-id={s.id}>
              <span className={`step-icon ${s.state === 'done' ? 'tone-ok' : s.state === 'failed' ? 'tone-bad' : ''}`}>
                {icons[s.state] ?? '·'}
              </span>
              <span>{s.label}</span>
              {s.detail && <span className="muted small">{s.detail}</span>}
              {s.ms !== undefined && s.state === 'done' && <span className="muted small">{s.ms} ms</span>}
            </li>
          ))}
        </ul>
        {failed && (
          <div className="notice bad" role="alert" data-testid="progress-error">
            <div>{cluster.error ?? 'The cluster failed to start.'}</div>
            {logFile && !logInError && (
              <div className="small muted" style={{ marginTop: 4 }}>
                Details are in the log: <code>{logFile}</code>
              </div>
            )}
            <div className="row-flex" style={{ marginTop: 8 }}>
              <button className="primary" data-testid="retry-button" onClick={() => clusterAction(cluster.name, 'start')}>
                {cluster.crashed ? 'Start again' : 'Retry'}
              </button>
              <button onClick={showStart}>Back</button>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
