// The store's discovery across a reload: kinds the tab kept show at once, then are read again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostClient } from '../host/host-client';
import type { K8sClient } from '../k8s/client';
import type { DiscoveryCache } from '../k8s/discovery-cache';
import type { ApiResource } from '../k8s/types';
import { createAppStore } from './app-store';

const res = (name: string, kind: string): ApiResource => ({
  group: '',
  version: 'v1',
  name,
  kind,
  namespaced: true,
  verbs: ['list'],
  shortNames: [],
});
const tick = () => new Promise((r) => setTimeout(r, 0));

function setup(
  kept: ApiResource[] | undefined,
  core: { resources: unknown[] } | Error = { resources: [res('pods', 'Pod'), res('widgets', 'Widget')] },
) {
  const asked: string[] = [];
  const saved: ApiResource[][] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const cache: DiscoveryCache = { get: () => kept, set: (_p, r) => void saved.push(r) };
  const k8s = () =>
    ({
      getJson: (p: string) => {
        asked.push(p);
        if (p === '/api') return Promise.resolve({ versions: ['v1'] });
        if (p === '/apis') return Promise.resolve({ groups: [] });
        return core instanceof Error ? Promise.reject(core) : Promise.resolve(core);
      },
    }) as unknown as K8sClient;
  const store = createAppStore({ host: {} as HostClient, k8s, discoveryCache: cache, later: (fn, ms) => void timers.push({ fn, ms }) });
  return { store, asked, saved, timers };
}

test('kinds kept by the tab show at once; discovery is read again a moment later and kept', async () => {
  const s = setup([res('pods', 'Pod')]);
  s.store.getState().loadDiscovery('p');
  assert.deepEqual(
    s.store.getState().discovery.p.resources.map((r) => r.name),
    ['pods'],
  );
  assert.equal(s.store.getState().discovery.p.loading, false);
  assert.deepEqual(s.asked, [], 'nothing asked yet');
  assert.equal(s.timers.length, 1);
  s.timers[0].fn();
  await tick();
  await tick();
  assert.deepEqual(
    s.store.getState().discovery.p.resources.map((r) => r.name),
    ['pods', 'widgets'],
  );
  assert.deepEqual(
    s.saved.map((r) => r.length),
    [2],
  );
});

test('nothing kept: asked at once and kept; a discovery with failures is not kept', async () => {
  const ok = setup(undefined);
  ok.store.getState().loadDiscovery('p');
  await tick();
  await tick();
  assert.ok(ok.asked.includes('/api'));
  assert.equal(ok.saved.length, 1);

  const failing = setup(undefined, new Error('group down'));
  failing.store.getState().loadDiscovery('p');
  await tick();
  await tick();
  assert.ok(failing.store.getState().discovery.p.failures?.length);
  assert.equal(failing.saved.length, 0);
});
