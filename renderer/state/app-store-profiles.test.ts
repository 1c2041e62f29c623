import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostEvent, ProfileSummary } from '../../electron/host/protocol';
import type { HostClient } from '../host/host-client';
import type { K8sClient } from '../k8s/client';
import { K8sError } from '../k8s/errors';
import { createAppStore } from './app-store';

const tick = () => new Promise((r) => setTimeout(r, 0));
const exec = (consented: boolean) => ({ command: '/opt/plug', args: [], env: [], via: 'exec' as const, consented });
const kube = (name: string, over: Partial<ProfileSummary> = {}): ProfileSummary => ({
  name,
  source: 'kubeconfig',
  status: 'ready',
  sourceId: 's1',
  ...over,
});

function setup(profiles: ProfileSummary[], discoveryError?: Error) {
  let emit!: (e: HostEvent) => void;
  const host = {
    app: async () => ({ version: '0', mode: 'web', dataDir: '/d', docker: { available: true }, defaultImage: 'img' }),
    clusters: async () => [],
    profiles: async () => profiles,
    subscribe: (onEvent: (e: HostEvent) => void, onConn: (c: boolean) => void) => {
      emit = onEvent;
      onConn(true);
      return () => {};
    },
  } as unknown as HostClient;
  const k8s = () =>
    ({
      getJson: async (p: string) => {
        if (discoveryError) throw discoveryError;
        return p === '/api' ? { versions: ['v1'] } : p === '/apis' ? { groups: [] } : { resources: [] };
      },
    }) as unknown as K8sClient;
  const store = createAppStore({ host, k8s, later: () => {} });
  store.getState().init();
  return { store, emit: (e: HostEvent) => emit(e) };
}

test("'profile-sources' and 'profiles' events update the sidebar's data without a reload", async () => {
  const { store, emit } = setup([kube('a')]);
  await tick();
  emit({
    type: 'profile-sources',
    sources: [
      {
        id: 's1',
        kind: 'file',
        label: '/k',
        paths: ['/k'],
        watched: true,
        encrypted: false,
        profiles: ['a', 'b'],
        hidden: [],
        errors: [],
        notes: [],
      },
    ],
  });
  emit({ type: 'profiles', profiles: [kube('a'), kube('b')] });
  assert.deepEqual(
    store.getState().profileSources.map((s) => s.profiles),
    [['a', 'b']],
  );
  assert.deepEqual(
    store.getState().profiles.map((p) => p.name),
    ['a', 'b'],
  );
  await store
    .getState()
    .updateProfile(() => Promise.resolve(kube('b', { status: 'unreachable', reason: 'connection refused at 127.0.0.1:9' })));
  assert.equal(store.getState().profiles[1].reason, 'connection refused at 127.0.0.1:9', "a POST's answer shows before its event");
});

test("a POST's answer that arrives after a newer 'profiles' event does not replace it (the host sends no unchanged list again)", async () => {
  const { store, emit } = setup([kube('plug', { status: 'unknown', exec: exec(false) })]);
  await tick();
  let answer!: (p: ProfileSummary) => void;
  const allowed = store.getState().updateProfile(() => new Promise((r) => (answer = r)));
  // The check that consent starts ends, and its event arrives, before the consent's answer.
  emit({ type: 'profiles', profiles: [kube('plug', { status: 'ready', exec: exec(true) })] });
  answer(kube('plug', { status: 'unknown', exec: exec(true) }));
  assert.equal((await allowed).status, 'unknown');
  assert.equal(store.getState().profiles[0].status, 'ready');
});

test('selecting a profile whose command is not allowed yet asks for consent; an allowed one does not', async () => {
  const { store } = setup([kube('ok'), kube('plug', { status: 'unknown', exec: exec(false) }), kube('allowed', { exec: exec(true) })]);
  await tick();
  store.getState().selectProfile('allowed');
  assert.equal(store.getState().consentFor, undefined);
  store.getState().selectProfile('plug');
  assert.equal(store.getState().consentFor, 'plug');
  store.getState().askConsent(undefined);
  assert.equal(store.getState().consentFor, undefined);
});

test("the proxy's 401 ExecConsentRequired (e.g. the command changed) opens the consent dialog for the profile on screen", async () => {
  const denied = new K8sError('profile "p" needs your consent to run /opt/plug', 401, 'ExecConsentRequired', '');
  const { store } = setup([kube('p', { exec: exec(true) })], denied);
  await tick();
  store.getState().selectProfile('p');
  await tick();
  assert.equal(store.getState().consentFor, 'p');
  assert.match(store.getState().discovery.p.error ?? '', /needs your consent/);
});
