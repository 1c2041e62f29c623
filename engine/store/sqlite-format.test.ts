import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from './sqlite-store';
import { collect } from './testing/store-conformance';

const dir = mkdtempSync(join(tmpdir(), 'skiff-sqlite-format-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// The layout before sqlite-format.ts: kv_current a table holding each live key's value.
const OLD_SCHEMA = `
CREATE TABLE IF NOT EXISTS kv_current (key TEXT PRIMARY KEY, value TEXT NOT NULL, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS kv_log (rev INTEGER PRIMARY KEY, key TEXT NOT NULL, deleted INTEGER NOT NULL, value TEXT NOT NULL, create_rev INTEGER NOT NULL, prev_mod_rev INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS kv_log_key_rev ON kv_log (key, rev);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);`;

/** What an older Skiff's statements do, on a file of either layout. */
function oldWriter(db: Database.Database) {
  const log = db.prepare('INSERT INTO kv_log (rev, key, deleted, value, create_rev, prev_mod_rev) VALUES (?, ?, ?, ?, ?, ?)');
  const setRev = (rev: number) =>
    db.prepare("INSERT INTO meta (name, value) VALUES ('rev', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value").run(rev);
  return {
    create(key: string, value: string, rev: number) {
      db.prepare('INSERT INTO kv_current (key, value, create_rev, mod_rev) VALUES (?, ?, ?, ?)').run(key, value, rev, rev);
      log.run(rev, key, 0, value, rev, 0);
      setRev(rev);
    },
    update(key: string, value: string, rev: number, createRev: number, prevRev: number) {
      db.prepare('UPDATE kv_current SET value = ?, mod_rev = ? WHERE key = ?').run(value, rev, key);
      log.run(rev, key, 0, value, createRev, prevRev);
      setRev(rev);
    },
    remove(key: string, rev: number, createRev: number, prevRev: number) {
      db.prepare('DELETE FROM kv_current WHERE key = ?').run(key);
      log.run(rev, key, 1, '', createRev, prevRev);
      setRev(rev);
    },
  };
}

test('a store file of the old layout opens with every value, its history and revision, and keeps going', async () => {
  const path = join(dir, 'old.db');
  const old = new Database(path);
  old.exec(OLD_SCHEMA);
  const w = oldWriter(old);
  w.create('/k/a', 'a1', 1);
  w.update('/k/a', 'a2', 2, 1, 1);
  w.create('/k/gone', 'g', 3);
  w.remove('/k/gone', 4, 3, 3);
  w.create('/k/b', 'b', 5);
  // A head whose log row went missing: its value must survive the move all the same.
  old.prepare('INSERT INTO kv_current (key, value, create_rev, mod_rev) VALUES (?, ?, ?, ?)').run('/k/orphan', 'o', 6, 6);
  old.prepare("UPDATE meta SET value = 6 WHERE name = 'rev'").run();
  old.close();

  const s = openSqliteStore({ path });
  try {
    assert.equal(await s.currentRevision(), 6);
    const a = await s.get('/k/a');
    assert.deepEqual(a, { key: '/k/a', value: 'a2', createRevision: 1, modRevision: 2 });
    const list = await s.list({ prefix: '/k/' });
    assert.deepEqual(
      list.items.map((kv) => [kv.key, kv.value]),
      [
        ['/k/a', 'a2'],
        ['/k/b', 'b'],
        ['/k/orphan', 'o'],
      ],
    );
    assert.equal(await s.count('/k/'), 3);
    const history = collect(s, '/k/', 0);
    const events = await history.waitForEvents(6);
    history.close();
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.kv.key} ${e.revision}`),
      ['put /k/a 1', 'put /k/a 2', 'put /k/gone 3', 'delete /k/gone 4', 'put /k/b 5', 'put /k/orphan 6'],
    );
    assert.equal(events[1].prevKv?.value, 'a1');
    assert.equal((await s.create('/k/c', 'c')).modRevision, 7);
  } finally {
    await s.close();
  }
  const again = openSqliteStore({ path });
  try {
    assert.equal((await again.get('/k/c'))?.value, 'c');
    assert.equal((await again.get('/k/orphan'))?.value, 'o');
  } finally {
    await again.close();
  }
  const db = new Database(path, { readonly: true });
  const kind = db.prepare("SELECT type FROM sqlite_master WHERE name = 'kv_current'").get() as { type: string };
  db.close();
  assert.equal(kind.type, 'view');
});

test('an older Skiff opening a file of this layout reads and writes the same data through kv_current', async () => {
  const path = join(dir, 'downgrade.db');
  const s = openSqliteStore({ path });
  const a = await s.create('/k/a', 'a1');
  const b = await s.create('/k/b', 'b');
  await s.close();

  const old = new Database(path);
  old.exec(OLD_SCHEMA); // an older Skiff's startup: must leave the view in place
  assert.deepEqual(old.prepare('SELECT key, value, create_rev, mod_rev FROM kv_current WHERE key = ?').get('/k/a'), {
    key: '/k/a',
    value: 'a1',
    create_rev: a.modRevision,
    mod_rev: a.modRevision,
  });
  const w = oldWriter(old);
  w.create('/k/new', 'n', 3);
  w.update('/k/a', 'a2', 4, a.modRevision, a.modRevision);
  w.remove('/k/b', 5, b.modRevision, b.modRevision);
  old.close();

  const back = openSqliteStore({ path });
  try {
    assert.equal(await back.currentRevision(), 5);
    assert.equal((await back.get('/k/new'))?.value, 'n');
    assert.deepEqual(await back.get('/k/a'), { key: '/k/a', value: 'a2', createRevision: a.modRevision, modRevision: 4 });
    assert.equal(await back.get('/k/b'), undefined);
    assert.equal(await back.count('/k/'), 2);
  } finally {
    await back.close();
  }
});
