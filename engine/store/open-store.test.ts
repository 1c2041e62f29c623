import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from './testing/etcd-test-server';
import { openStore } from './open-store';
import { UnavailableError } from './types';

test('openStore opens a working sqlite store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-open-store-'));
  try {
    const store = await openStore({ kind: 'sqlite', path: join(dir, 'state.db') });
    const kv = await store.create('/a', 'v');
    assert.deepEqual(await store.get('/a'), kv);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('openStore routes etcd configs to the etcd backend', async () => {
  const endpoint = `http://127.0.0.1:${await freeLoopbackPort()}`;
  await assert.rejects(
    openStore({ kind: 'etcd', endpoints: [endpoint] }),
    (e) => e instanceof UnavailableError && e.message.includes(endpoint),
  );
});
