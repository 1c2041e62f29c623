import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from './sqlite-store';
import { isSqliteFile, restoreSqliteSnapshot } from './sqlite-snapshot';

test('a running store snapshots itself; the copy restores into a new file only, and other files are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-snap-unit-'));
  try {
    const store = openSqliteStore({ path: join(dir, 'state.db') });
    for (let i = 0; i < 10; i++) await store.create(`/registry/configmaps/default/c${i}`, '{}');
    const { revision } = await store.snapshot!(join(dir, 'snap'));
    await store.create('/registry/configmaps/default/later', '{}'); // the store keeps serving
    assert.equal(isSqliteFile(join(dir, 'snap')), true);
    const r = await restoreSqliteSnapshot(join(dir, 'snap'), join(dir, 'new.db'));
    assert.deepEqual(r, { keys: 10, revision });
    const back = openSqliteStore({ path: join(dir, 'new.db') });
    assert.equal((await back.list({ prefix: '/registry/' })).items.length, 10);
    await back.close();
    await assert.rejects(restoreSqliteSnapshot(join(dir, 'snap'), join(dir, 'new.db')), /already exists/);
    writeFileSync(join(dir, 'junk'), 'not a database at all, just text');
    assert.equal(isSqliteFile(join(dir, 'junk')), false);
    await assert.rejects(restoreSqliteSnapshot(join(dir, 'junk'), join(dir, 'x.db')), /not a Skiff SQLite snapshot/);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
