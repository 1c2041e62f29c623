import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDiscoveryCache } from './discovery-cache';
import type { ApiResource } from './types';

const pods: ApiResource = { group: '', version: 'v1', name: 'pods', kind: 'Pod', namespaced: true, verbs: ['list'], shortNames: ['po'] };

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

test('kept per profile, read back as written', () => {
  const storage = memory();
  const c = createDiscoveryCache(storage);
  c.set('a', [pods]);
  assert.deepEqual(c.get('a'), [pods]);
  assert.equal(c.get('b'), undefined);
});

test('anything else in the storage is no discovery', () => {
  const storage = memory();
  const c = createDiscoveryCache(storage);
  for (const bad of ['not json', '{}', '[]', '[{"name":"pods"}]', '[null]']) {
    storage.m.set('skiff.discovery.a', bad);
    assert.equal(c.get('a'), undefined, bad);
  }
});

test('a storage that refuses to keep it is no error', () => {
  const c = createDiscoveryCache({
    getItem: () => null,
    setItem: () => {
      throw new Error('QuotaExceededError');
    },
  });
  c.set('a', [pods]);
  assert.equal(c.get('a'), undefined);
});
