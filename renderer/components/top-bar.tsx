// Cluster and namespace pickers, the search hint (Ctrl+K) and the cluster's status.
import { localProfile } from '../state/app-store';
import { useApp } from '../state/services';
import { NamespacePicker } from './profiles/namespace-picker';
import { localTerminalTab } from '../dock/open-terminal';
import { PortForwardsMenu } from './port-forwards-menu';
import { clusterEntries } from './sidebar';

function Status() {
  const profile = useApp((s) => s.profile);
  const clusters = useApp((s) => s.clusters);
  const profiles = useApp((s) => s.profiles);
  const connected = useApp((s) => s.hostConnected);
  if (!connected)
    return (
      <span className="row-flex small" data-testid="status">
        <span className="dot bad" /> Host disconnected
      </span>
    );
  const cluster = Object.values(clusters).find((c) => localProfile(c) === profile);
  const p = profiles.find((x) => x.name === profile);
  const state = cluster ? cluster.state : (p?.status ?? 'unknown');
  const tone =
    ({ running: 'ok', ready: 'ok', starting: 'warn', stopping: 'warn', failed: 'bad', unreachable: 'bad' } as Record<string, string>)[
      state
    ] ?? '';
  const label = state === 'running' || state === 'ready' ? 'Ready' : state[0].toUpperCase() + state.slice(1);
  return (
    <span className="row-flex small" data-testid="status" title={p?.reason}>
      <span className={`dot ${tone}`} /> {profile ? label : 'No cluster'}
    </span>
  );
}

export function TopBar() {
  const profile = useApp((s) => s.profile);
  const selectProfile = useApp((s) => s.selectProfile);
  const setPalette = useApp((s) => s.setPalette);
  const openTab = useApp((s) => s.openTab);
  const entries = clusterEntries(
    useApp((s) => s.clusters),
    useApp((s) => s.profiles),
  );
  const mac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
  return (
    <header className="topbar">
      <span className="brand">Skiff</span>
      {profile && (
        <>
          <select data-testid="profile-picker" aria-label="Cluster" value={profile} onChange={(e) => selectProfile(e.target.value)}>
            {entries.map((e) => (
              <option key={e.profile} value={e.profile}>
                {e.label}
              </option>
            ))}
            {!entries.some((e) => e.profile === profile) && <option value={profile}>{profile}</option>}
          </select>
          <NamespacePicker />
        </>
      )}
      <span className="spacer" />
      <button className="search-hint" data-testid="search-hint" onClick={() => setPalette(true)}>
        Search… <span className="muted small">{mac ? '⌘K' : 'Ctrl+K'}</span>
      </button>
      <span className="spacer" />
      {profile && (
        <button
          className="ghost"
          data-testid="local-terminal"
          title={`A shell on this machine with KUBECONFIG set to ${profile}`}
          onClick={() => openTab(localTerminalTab(profile))}
        >
          $_ Local terminal
        </button>
      )}
      <PortForwardsMenu />
      <Status />
    </header>
  );
}
