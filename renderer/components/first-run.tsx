// The empty state: one obvious "Start local cluster" button; name, nodes and runtime behind
// "Advanced". Without Docker it says so and starts simulated nodes.
import { useState } from 'react';
import type { RuntimeChoice } from '../../electron/host/protocol';
import { errorText } from '../k8s/errors';
import { useApp } from '../state/services';
import { maxNodes, validateStart } from '../state/start-form';

export function FirstRun() {
  const app = useApp((s) => s.app);
  const clusters = useApp((s) => s.clusters);
  const startCluster = useApp((s) => s.startCluster);
  const dockerOk = app ? app.docker.available : true;
  const existing = Object.keys(clusters);
  const [advanced, setAdvanced] = useState(false);
  const [name, setName] = useState(existing.includes('local') ? '' : 'local');
  const [nodes, setNodes] = useState('1');
  const [runtime, setRuntime] = useState<RuntimeChoice | ''>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const effectiveRuntime: RuntimeChoice = runtime || (dockerOk ? 'docker' : 'simulated');
  const problem = validateStart(name, Number(nodes), existing);

  const start = async () => {
    if (problem) {
      setAdvanced(true);
      setError(problem);
      return;
    }
    setBusy(true);
    setError('');
    try {
      await startCluster({ name, nodes: Number(nodes), runtime: effectiveRuntime });
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <div className="center-card" data-testid="first-run">
        <h1>Kubernetes on this machine, in one click</h1>
        <p className="muted">
          Skiff runs a local cluster inside the app: an API server, controllers and nodes
          {dockerOk ? ' whose pods are Docker containers' : ''}.
        </p>
        {!dockerOk && (
          <div className="notice" data-testid="docker-missing">
            <strong>Docker is not available.</strong> {app?.docker.hint ?? 'Install Docker (or start its daemon) to run real containers.'}
            <div className="small muted" style={{ marginTop: 4 }}>
              Meanwhile you can start a cluster of <strong>simulated</strong> nodes: pods go through their phases but run no processes.
            </div>
          </div>
        )}
        <div className="row-flex" style={{ marginTop: 16 }}>
          <button className="primary big" data-testid="start-cluster" onClick={start} disabled={busy}>
            {busy ? 'Starting…' : 'Start local cluster'}
          </button>
          {effectiveRuntime === 'simulated' && (
            <span className="tag warn" data-testid="simulated-label">
              simulated nodes
            </span>
          )}
          <span className="spacer" />
          <button className="link" data-testid="advanced-toggle" onClick={() => setAdvanced(!advanced)} aria-expanded={advanced}>
            {advanced ? 'Hide advanced' : 'Advanced'}
          </button>
        </div>
        {advanced && (
          <div className="form-grid">
            <label htmlFor="start-name">Name</label>
            <input
              id="start-name"
              data-testid="start-name"
              value={name}
              onChange={(e) => setName(e.target.value.trim())}
              placeholder="local"
            />
            <label htmlFor="start-nodes">Nodes</label>
            <input
              id="start-nodes"
              data-testid="start-nodes"
              type="number"
              min={1}
              max={maxNodes}
              value={nodes}
              onChange={(e) => setNodes(e.target.value)}
              style={{ width: 80 }}
            />
            <label htmlFor="start-runtime">Runtime</label>
            <select
              id="start-runtime"
              data-testid="start-runtime"
              value={effectiveRuntime}
              onChange={(e) => setRuntime(e.target.value as RuntimeChoice)}
            >
              <option value="docker" disabled={!dockerOk}>
                Docker containers{dockerOk ? '' : ' (Docker not available)'}
              </option>
              <option value="simulated">Simulated nodes (no processes)</option>
            </select>
          </div>
        )}
        {(error || (advanced && problem)) && (
          <div className="notice bad" role="alert" data-testid="start-error">
            {error || problem}
          </div>
        )}
      </div>
    </div>
  );
}
