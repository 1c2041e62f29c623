// The window: top bar, sidebar, the current view, the dock; overlays for the editor, the
// palette and toasts. Helm's view is a chunk of its own (with the YAML library), loaded when shown.
import { lazy, Suspense, useEffect } from 'react';
import { Dock } from '../dock/dock';
import { EditorHost } from '../editor/editor-host';
import { useApp, useServices } from '../state/services';
import { startWorkspaceSync } from '../state/workspace-sync';
import { ClusterDown } from './cluster-down';
import { DeleteHost } from './detail/delete-dialog';
import { CommandPalette } from './command-palette';
import { ErrorBox } from './error-box';
import { FirstRun } from './first-run';
import { ResourceMapView } from './map/resource-map-view';
import { Overview } from './overview';
import { ProfileGate } from './profiles/profile-gate';
import { ProgressView } from './progress-view';
import { ResourceList } from './resource-list';
import { Sidebar } from './sidebar';
import { Toasts } from './toasts';
import { TopBar } from './top-bar';

const HelmReleases = lazy(() => import('./helm/helm-releases').then((m) => ({ default: m.HelmReleases })));
const loading = <div className="page muted">Loading…</div>;

function MainView() {
  const loaded = useApp((s) => s.loaded);
  const hostError = useApp((s) => s.hostError);
  const view = useApp((s) => s.view);
  const profile = useApp((s) => s.profile);
  if (hostError)
    return (
      <div className="page">
        <ErrorBox error={{ message: hostError }} title="The app's backend did not answer" />
      </div>
    );
  if (!loaded) return loading;
  if (view.kind === 'progress') return <ProgressView cluster={view.cluster} />;
  if (view.kind === 'start' || !profile) return <FirstRun />;
  if (view.kind === 'helm')
    return (
      <div className="page-col">
        <ClusterDown />
        <ProfileGate>
          <Suspense fallback={loading}>
            <HelmReleases key={profile} />
          </Suspense>
        </ProfileGate>
      </div>
    );
  if (view.kind === 'map')
    return (
      <div className="page-col">
        <ClusterDown />
        <ProfileGate>
          <ResourceMapView key={profile} />
        </ProfileGate>
      </div>
    );
  if (view.kind === 'list')
    return (
      <div className="page-col">
        <ClusterDown />
        <ProfileGate>
          <ResourceList key={`${profile}|${view.resource.group}/${view.resource.name}`} resource={view.resource} />
        </ProfileGate>
      </div>
    );
  return (
    <div className="page-col">
      <ClusterDown />
      <ProfileGate>
        <Overview key={profile} />
      </ProfileGate>
    </div>
  );
}

export function App() {
  const { store, host, scrollback } = useServices();
  useEffect(() => store.getState().init(), [store]);
  useEffect(
    () =>
      startWorkspaceSync({
        store,
        save: (ws, keepalive) => host.saveWorkspace(ws, keepalive),
        win: window,
        scrollback: (id) => scrollback.get(id)?.(),
      }),
    [store, host, scrollback],
  );
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Ctrl+K in a terminal is the shell's (kill to end of line); Ctrl+Shift+K opens the palette anywhere.
      const inTerminal = e.target instanceof Element && !!e.target.closest('.xterm');
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k' && (e.shiftKey || !inTerminal)) {
        e.preventDefault();
        store.getState().setPalette(!store.getState().paletteOpen);
      }
    };
    // Capture: before a focused widget (a terminal) keeps the key to itself.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [store]);
  return (
    <div className="app">
      <TopBar />
      <Sidebar />
      <main className="main">
        <div className="content">
          <MainView />
          <EditorHost />
        </div>
        <Dock />
      </main>
      <CommandPalette />
      <DeleteHost />
      <Toasts />
    </div>
  );
}
