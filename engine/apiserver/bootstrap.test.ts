import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../store/sqlite-store';
import type { WatchEvent } from '../store/types';
import { createApiCore } from './api-core';
import { bootstrapCluster } from './bootstrap';

test('a cold bootstrap writes its objects in a few transactions, each with its own revision', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bootstrap-'));
  const store = openSqliteStore({ path: join(dir, 'state.db') });
  const core = createApiCore({ store, serviceCIDR: '10.96.0.0/12' });
  t.after(async () => {
    core.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const from = await store.currentRevision();
  // A live watch is handed each commit's events in one call.
  const commits: WatchEvent[][] = [];
  const watcher = store.watch({ prefix: '/', afterRevision: from, onEvents: (ev) => commits.push(ev), onError: assert.fail });
  await bootstrapCluster(core, { apiServerPort: 6443 });
  watcher.close();

  const events = commits.flat();
  assert.ok(events.length > 50, `the namespaces, the kubernetes Service and the RBAC policy (${events.length} writes)`);
  assert.ok(commits.length <= 3, `${events.length} writes in ${commits.length} transactions`);
  assert.deepEqual(
    events.map((e) => e.revision),
    events.map((_, i) => from + 1 + i),
    'every write has its own revision, in order',
  );
  for (const e of events) {
    assert.equal(e.type, 'put');
    assert.equal(e.kv.modRevision, e.revision);
    assert.equal((await store.get(e.kv.key))?.modRevision, e.revision, `${e.kv.key} stored at its event's revision`);
  }
  assert.deepEqual(
    commits[0].map((e) => e.kv.key).sort(),
    ['default', 'kube-node-lease', 'kube-public', 'kube-system'].map((n) => `/registry/namespaces/${n}`),
    'the namespaces are committed first, before what lives in them',
  );

  const rev = await store.currentRevision();
  await bootstrapCluster(core, { apiServerPort: 6443 });
  assert.equal(await store.currentRevision(), rev, 'a second bootstrap writes nothing');
});
