// The window: top bar, sidebar, the current view, the dock; overlays for the editor, the
// palette and toasts.
import { useEffect } from 'react';
import { Dock } from '../dock/dock';
import { EditorHost } from '../editor/editor-host';
import { useApp, useServices } from '../state/services';
import { startWorkspaceSync } from '../state/workspace-sync';
import { ClusterDown } from './cluster-down';
import { CommandPalette } from './command-palette';
import { ErrorBox } from './error-box';
import { FirstRun } from './first-run';
import { Overview } from './overview';
import { ProfileGate } from './profiles/profile-gate';
import { ProgressView } from './progress-view';
import { ResourceList } from './resource-list';
import { Sidebar } from './sidebar';
import { Toasts } from './toasts';
import { TopBar } from './top-bar';

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
  if (!loaded) return <div className="page muted">Loading…</div>;
  if (view.kind === 'progress') return <ProgressView cluster={view.cluster} />;
  if (view.kind === 'start' || !profile) return <FirstRun />;
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
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        store.getState().setPalette(!store.getState().paletteOpen);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
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
      <Toasts />
    </div>
  );
}
