import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostClient } from '../host/host-client';
import type { K8sClient } from '../k8s/client';
import type { Workspace } from '../../electron/host/protocol';
import { createAppStore, type AppState } from './app-store';
import { parseRoute } from './route';
import { startWorkspaceSync } from './workspace-sync';

const listed = (s: AppState) => (s.view.kind === 'list' ? s.view.resource.name : undefined);
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

const localCluster = { name: 'local', profile: 'skiff-local', state: 'running', steps: [], progress: 1 };

function setup(ws: Workspace | undefined, url = '', clusters: () => Promise<unknown[]> = () => Promise.resolve([localCluster])) {
  const host = {
    app: () => Promise.resolve({ version: '0', mode: 'web', dataDir: '/d', docker: { available: true }, defaultImage: 'img' }),
    clusters,
    profiles: () => Promise.resolve([{ name: 'skiff-local', source: 'local', status: 'ready' }]),
    subscribe: () => () => {},
  } as unknown as HostClient;
  const k8s = () =>
    ({
      getJson: (p: string) => Promise.resolve(p === '/api' ? { versions: ['v1'] } : p === '/apis' ? { groups: [] } : { resources: [] }),
    }) as unknown as K8sClient;
  const store = createAppStore({ host, k8s, later: () => {}, workspace: { load: () => Promise.resolve(ws), route: parseRoute(url) } });
  store.getState().init();
  return store;
}

const saved: Workspace = {
  version: 1,
  route: '/c/skiff-local/core/pods/default/web-1?ns=default',
  dock: {
    tabs: [
      { id: 'logs:a', type: 'logs', title: 'web-1', profile: 'skiff-local', namespace: 'default', pod: 'web-1' },
      {
        id: 'shell:a',
        type: 'shell',
        title: 'web-1',
        profile: 'skiff-local',
        namespace: 'default',
        pod: 'web-1',
        containers: ['c'],
        scrollback: '$ ls',
      },
      { id: 'x', type: 'nonsense', title: 'x', profile: 'skiff-local' },
    ],
    active: 'shell:a',
  },
  editor: { mode: 'create', profile: 'skiff-local', draft: 'kind: ConfigMap\n' },
};

void test('a saved workspace brings back the view, the selection, the dock (shell marked reconnected) and the editor draft', async () => {
  const store = setup(saved);
  await tick(5);
  const s = store.getState();
  assert.equal(s.profile, 'skiff-local');
  assert.equal(s.namespace, 'default');
  assert.equal(listed(s), 'pods');
  assert.deepEqual(s.selection && [s.selection.namespace, s.selection.name], ['default', 'web-1']);
  assert.deepEqual(
    s.dock.tabs.map((t) => [t.id, t.type === 'shell' ? t.reconnected : undefined]),
    [
      ['logs:a', undefined],
      ['shell:a', true],
    ],
  );
  assert.equal(s.dock.active, 'shell:a');
  assert.equal(s.editor?.draft, 'kind: ConfigMap\n');
  assert.equal(s.editorDirty, true);
  assert.equal(s.workspaceReady, true);
});

void test('a route to a listed profile lands (view and dock) before the cluster list answers', async () => {
  let answer!: (list: unknown[]) => void;
  const store = setup(saved, '', () => new Promise((r) => (answer = r)));
  await tick(5);
  const s = store.getState();
  assert.equal(s.loaded, true);
  assert.equal(listed(s), 'pods');
  assert.equal(s.dock.tabs.length, 2);
  assert.deepEqual(s.clusters, {});
  answer([localCluster]);
  await tick(5);
  assert.equal(store.getState().clusters.local?.state, 'running');
  assert.equal(listed(store.getState()), 'pods', 'the cluster list does not move the view');
  // Without a route to land on, the usual choice still waits for the clusters (a running one wins).
  let later!: (list: unknown[]) => void;
  const fresh = setup(undefined, '', () => new Promise((r) => (later = r)));
  await tick(5);
  assert.equal(fresh.getState().loaded, false);
  later([localCluster]);
  await tick(5);
  assert.equal(fresh.getState().profile, 'skiff-local');
});

void test('the URL route wins over the saved one; a route to an unknown profile falls back to the usual choice', async () => {
  const a = setup(saved, '#/c/skiff-local/apps/deployments?ns=kube-system');
  await tick(5);
  assert.equal(listed(a.getState()), 'deployments');
  assert.equal(a.getState().namespace, 'kube-system');
  const b = setup({ version: 1, route: '/c/gone-profile' });
  await tick(5);
  assert.equal(b.getState().profile, 'skiff-local');
  assert.equal(b.getState().view.kind, 'overview');
});

void test('sync: navigation pushes history entries, popstate goes back, a draft is saved within the delay', async () => {
  const store = setup(undefined);
  await tick(5);
  const entries: string[] = [];
  const listeners = new Map<string, () => void>();
  const win = {
    location: { hash: '' },
    history: {
      pushState: (_: unknown, __: string, h: string) => {
        entries.push(h);
        win.location.hash = h;
      },
      replaceState: (_: unknown, __: string, h: string) => {
        entries[entries.length - 1] = h;
        win.location.hash = h;
      },
    },
    addEventListener: (t: string, fn: () => void) => listeners.set(t, fn),
    removeEventListener: () => {},
  };
  entries.push('');
  const saves: Workspace[] = [];
  const stop = startWorkspaceSync({
    store,
    win: win as unknown as Window,
    save: (w) => {
      saves.push(w);
      return Promise.resolve();
    },
    scrollback: () => undefined,
    delayMs: 5,
    tickMs: 60_000,
  });
  assert.deepEqual(entries, ['#/c/skiff-local']);
  const pods = { group: '', version: 'v1', name: 'pods', kind: 'Pod', namespaced: true, verbs: [], shortNames: [] };
  store.getState().showList(pods);
  store.getState().select({ resource: pods, namespace: 'default', name: 'p1' });
  assert.deepEqual(entries, ['#/c/skiff-local', '#/c/skiff-local/core/pods', '#/c/skiff-local/core/pods/default/p1']);
  // Back: the browser moved the fragment; the store follows without a new entry.
  win.location.hash = '#/c/skiff-local/core/pods';
  listeners.get('popstate')!();
  assert.equal(store.getState().selection, undefined);
  assert.equal(entries.length, 3, JSON.stringify(entries));
  store.getState().openEditor({ mode: 'create' });
  store.getState().setEditorDraft('kind: Secret\n');
  await tick(30);
  assert.equal(saves.at(-1)?.editor?.draft, 'kind: Secret\n');
  assert.equal(saves.at(-1)?.route, '/c/skiff-local/core/pods');
  stop();
});
