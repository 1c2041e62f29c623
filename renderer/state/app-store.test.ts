import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostEvent, LocalCluster } from '../../electron/host/protocol';
import type { HostClient } from '../host/host-client';
import type { K8sClient } from '../k8s/client';
import { createAppStore } from './app-store';

const tick = () => new Promise((r) => setTimeout(r, 0));
const cluster = (state: LocalCluster['state'], name = 'local'): LocalCluster => ({
  name,
  profile: `skiff-${name}`,
  state,
  steps: [],
  progress: state === 'running' ? 1 : 0.3,
});

// The profile and settings calls (used by components, not by the store).
const unused = async (): Promise<never> => {
  throw new Error('not used here');
};
const unusedProfileCalls = {
  profileSources: unused,
  addProfileSource: unused,
  removeProfileSource: unused,
  removeProfile: unused,
  checkProfile: unused,
  allowExec: unused,
  revokeExec: unused,
  profileNamespaces: unused,
  setAllowedNamespaces: unused,
  profileKubeconfig: unused,
  workspace: unused,
  saveWorkspace: unused,
  settings: unused,
  saveSettings: unused,
};

function fakeHost(over: Partial<HostClient> = {}) {
  let emit!: (e: HostEvent) => void;
  const host: HostClient = {
    app: async () => ({
      version: '0',
      mode: 'web',
      dataDir: '/d',
      docker: { available: false, hint: 'start docker' },
      defaultImage: 'img',
    }),
    clusters: async () => [],
    profiles: async () => [],
    startCluster: async (req) => cluster('starting', req.name),
    clusterAction: async (name) => cluster('starting', name),
    deleteCluster: async () => {},
    ...unusedProfileCalls,
    subscribe: (onEvent, onConn) => {
      emit = onEvent;
      onConn(true);
      return () => {};
    },
    ...over,
  };
  return { host, emit: (e: HostEvent) => emit(e) };
}
const k8s = () =>
  ({
    profile: 'p',
    base: '',
    url: (p: string) => p,
    getJson: async (p: string) => (p === '/api' ? { versions: ['v1'] } : p === '/apis' ? { groups: [] } : { resources: [] }),
    send: async () => ({}),
    open: async () => new Response(''),
  }) as unknown as K8sClient;

test('first run: no clusters and no profiles shows the start view', async () => {
  const { host } = fakeHost();
  const store = createAppStore({ host, k8s, later: () => {} });
  store.getState().init();
  await tick();
  assert.equal(store.getState().loaded, true);
  assert.equal(store.getState().view.kind, 'start');
  assert.equal(store.getState().app?.docker.available, false);
});

test('starting a cluster shows progress and lands on its overview when running', async () => {
  const { host, emit } = fakeHost();
  const store = createAppStore({ host, k8s, later: () => {} });
  store.getState().init();
  await tick();
  await store.getState().startCluster({ name: 'local', runtime: 'simulated' });
  assert.deepEqual(store.getState().view, { kind: 'progress', cluster: 'local' });
  emit({ type: 'cluster', cluster: cluster('running') });
  assert.equal(store.getState().view.kind, 'overview');
  assert.equal(store.getState().profile, 'skiff-local');
  assert.equal(store.getState().following, undefined);
});

test('a start lands on the overview once the API answers, before its nodes are Ready', async () => {
  const { host, emit } = fakeHost();
  const store = createAppStore({ host, k8s, later: () => {} });
  store.getState().init();
  await tick();
  await store.getState().startCluster({ name: 'local', runtime: 'docker' });
  emit({ type: 'cluster', cluster: cluster('starting') });
  assert.deepEqual(store.getState().view, { kind: 'progress', cluster: 'local' });
  emit({ type: 'cluster', cluster: { ...cluster('starting'), apiReady: true } });
  assert.equal(store.getState().view.kind, 'overview');
  assert.equal(store.getState().profile, 'skiff-local');
  assert.equal(store.getState().following, undefined);
});

test('on the first-run screen, a cluster started elsewhere is followed to its overview', async () => {
  const { host, emit } = fakeHost();
  const store = createAppStore({ host, k8s, later: () => {} });
  store.getState().init();
  await tick();
  assert.equal(store.getState().view.kind, 'start');
  emit({ type: 'cluster', cluster: cluster('starting', 'cli') });
  assert.deepEqual(store.getState().view, { kind: 'progress', cluster: 'cli' });
  emit({ type: 'cluster', cluster: cluster('running', 'cli') });
  assert.equal(store.getState().view.kind, 'overview');
  assert.equal(store.getState().profile, 'skiff-cli');
});

test('a running event that beats the POST answer is not overwritten by the older snapshot', async () => {
  let emitLater!: () => void;
  const { host, emit } = fakeHost({
    startCluster: async (req) => {
      emitLater();
      return cluster('starting', req.name);
    },
  });
  emitLater = () => emit({ type: 'cluster', cluster: cluster('running') });
  const store = createAppStore({ host, k8s, later: () => {} });
  store.getState().init();
  await tick();
  await store.getState().startCluster({ name: 'local' });
  assert.equal(store.getState().clusters.local.state, 'running');
  assert.equal(store.getState().view.kind, 'overview');
});

test('a failed start stays on the progress view; a host error is a toast and leaves following', async () => {
  const { host, emit } = fakeHost({
    startCluster: async () => {
      throw Object.assign(new Error('name taken'), { hint: 'pick another' });
    },
  });
  const store = createAppStore({ host, k8s, later: () => {} });
  store.getState().init();
  await tick();
  await assert.rejects(store.getState().startCluster({ name: 'x' }));
  assert.equal(store.getState().following, undefined);
  assert.match(store.getState().toasts[0].text, /name taken — pick another/);
  store.setState({ following: 'local', view: { kind: 'progress', cluster: 'local' } });
  emit({ type: 'cluster', cluster: { ...cluster('failed'), error: 'boom' } });
  assert.equal(store.getState().view.kind, 'progress');
});

test('navigation closes a clean editor and keeps one with unapplied text', async () => {
  const { host } = fakeHost({ profiles: async () => [{ name: 'ctx', source: 'kubeconfig', status: 'ready' }] });
  const store = createAppStore({ host, k8s, later: () => {} });
  store.getState().init();
  await tick();
  assert.equal(store.getState().profile, 'ctx');
  store.getState().openEditor({ mode: 'create' });
  store.getState().showOverview();
  assert.equal(store.getState().editor, undefined);
  store.getState().openEditor({ mode: 'create' });
  store.getState().setEditorDirty(true);
  store.getState().showOverview();
  assert.ok(store.getState().editor);
});

test('dock tabs: opening twice keeps one, closing the active one activates a neighbour', () => {
  const { host } = fakeHost();
  const store = createAppStore({ host, k8s, later: () => {} });
  const tab = (id: string) => ({ id, type: 'logs' as const, title: id, profile: 'p', namespace: 'd', pod: id });
  store.getState().openTab(tab('a'));
  store.getState().openTab(tab('b'));
  store.getState().openTab(tab('a'));
  assert.deepEqual(
    store.getState().dock.tabs.map((t) => t.id),
    ['a', 'b'],
  );
  assert.equal(store.getState().dock.active, 'a');
  store.getState().closeTab('a');
  assert.equal(store.getState().dock.active, 'b');
});

test('deleting the cluster on screen (event first, then the answer) goes back to first run', async () => {
  let emitDeleted!: () => void;
  const { host, emit } = fakeHost({
    deleteCluster: async () => {
      emitDeleted();
    },
  });
  emitDeleted = () => emit({ type: 'cluster-deleted', name: 'local' });
  const store = createAppStore({ host, k8s, later: () => {} });
  store.getState().init();
  await tick();
  emit({ type: 'cluster', cluster: cluster('running') });
  store.getState().selectProfile('skiff-local');
  await store.getState().deleteCluster('local');
  assert.equal(store.getState().profile, undefined);
  assert.equal(store.getState().view.kind, 'start');
  assert.deepEqual(store.getState().clusters, {});
});
