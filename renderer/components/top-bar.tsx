// Cluster and namespace pickers, the search hint (Ctrl+K) and the cluster's status.
import { useMemo } from 'react';
import { wellKnown, resourcePath } from '../k8s/resources';
import { localProfile } from '../state/app-store';
import { useApp, useK8s } from '../state/services';
import { useLiveTable } from '../state/use-live-table';
import { clusterEntries } from './sidebar';

function useNamespaces(): string[] {
  const client = useK8s();
  const live = useLiveTable(client, client ? resourcePath(wellKnown.namespaces) : undefined, { includeObject: 'Metadata', poll: true, pollMs: 15_000 });
  return useMemo(() => live.set.rows.map((r) => r.name).sort(), [live.set.rows]);
}

function Status() {
  const profile = useApp((s) => s.profile);
  const clusters = useApp((s) => s.clusters);
  const profiles = useApp((s) => s.profiles);
  const connected = useApp((s) => s.hostConnected);
  if (!connected) return <span className="row-flex small" data-testid="status"><span className="dot bad" /> Host disconnected</span>;
  const cluster = Object.values(clusters).find((c) => localProfile(c) === profile);
  const p = profiles.find((x) => x.name === profile);
  const state = cluster ? cluster.state : p?.status ?? 'unknown';
  const tone = ({ running: 'ok', ready: 'ok', starting: 'warn', stopping: 'warn', failed: 'bad', unreachable: 'bad' } as Record<string, string>)[state] ?? '';
  const label = state === 'running' || state === 'ready' ? 'Ready' : state[0].toUpperCase() + state.slice(1);
  return <span className="row-flex small" data-testid="status" title={p?.reason}><span className={`dot ${tone}`} /> {profile ? label : 'No cluster'}</span>;
}

export function TopBar() {
  const profile = useApp((s) => s.profile);
  const namespace = useApp((s) => s.namespace);
  const setNamespace = useApp((s) => s.setNamespace);
  const selectProfile = useApp((s) => s.selectProfile);
  const setPalette = useApp((s) => s.setPalette);
  const entries = clusterEntries(useApp((s) => s.clusters), useApp((s) => s.profiles));
  const namespaces = useNamespaces();
  const mac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
  return (
    <header className="topbar">
      <span className="brand">Skiff</span>
      {profile && (
        <>
          <select data-testid="profile-picker" aria-label="Cluster" value={profile} onChange={(e) => selectProfile(e.target.value)}>
            {entries.map((e) => <option key={e.profile} value={e.profile}>{e.label}</option>)}
            {!entries.some((e) => e.profile === profile) && <option value={profile}>{profile}</option>}
          </select>
          <select data-testid="namespace-picker" aria-label="Namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)}>
            <option value="">All namespaces</option>
            {namespaces.map((n) => <option key={n} value={n}>{n}</option>)}
            {namespace && !namespaces.includes(namespace) && <option value={namespace}>{namespace}</option>}
          </select>
        </>
      )}
      <span className="spacer" />
      <button className="search-hint" data-testid="search-hint" onClick={() => setPalette(true)}>Search… <span className="muted small">{mac ? '⌘K' : 'Ctrl+K'}</span></button>
      <span className="spacer" />
      <Status />
    </header>
  );
}
