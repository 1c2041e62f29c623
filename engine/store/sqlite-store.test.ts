import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from './sqlite-store';
import { collect, runStoreConformance } from './testing/store-conformance';
import { StoreError } from './types';

const dir = mkdtempSync(join(tmpdir(), 'skiff-sqlite-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `store-${n++}.db`);

runStoreConformance('sqlite', async () => {
  const store = openSqliteStore({ path: freshPath() });
  return { store, cleanup: () => store.close() };
});

describe('sqlite store specifics', () => {
  test('data and revision survive close and reopen', async () => {
    const path = freshPath();
    const s1 = openSqliteStore({ path });
    const a = await s1.create('/k/a', 'one');
    await s1.update('/k/a', 'two', a.modRevision);
    const rev = await s1.currentRevision();
    await s1.close();
    const s2 = openSqliteStore({ path });
    try {
      assert.equal(await s2.currentRevision(), rev);
      assert.equal((await s2.get('/k/a'))?.value, 'two');
      const b = await s2.create('/k/b', 'x');
      assert.equal(b.modRevision, rev + 1);
    } finally {
      await s2.close();
    }
  });

  test('close() commits writes that were queued but not yet flushed', async () => {
    const path = freshPath();
    const s1 = openSqliteStore({ path });
    const writes = Array.from({ length: 50 }, (_, i) => s1.create(`/q/${i}`, 'v'));
    await s1.close();
    await Promise.all(writes);
    await assert.rejects(s1.get('/q/1'), StoreError);
    const s2 = openSqliteStore({ path });
    try {
      assert.equal(await s2.count('/q/'), 50);
    } finally {
      await s2.close();
    }
  });

  test('writes of one turn share one transaction but get distinct, contiguous revisions', async () => {
    const path = freshPath();
    const s = openSqliteStore({ path });
    try {
      const kvs = await Promise.all(Array.from({ length: 200 }, (_, i) => s.create(`/g/${i}`, 'v')));
      const revs = kvs.map((k) => k.modRevision);
      assert.deepEqual(
        revs,
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
      // A failed write inside a batch does not consume a revision or abort the others.
      const mixed = await Promise.allSettled([s.create('/g/0', 'dup'), s.create('/g/new', 'v'), s.update('/g/1', 'x', 999)]);
      assert.deepEqual(
        mixed.map((r) => r.status),
        ['rejected', 'fulfilled', 'rejected'],
      );
      assert.equal((mixed[1] as PromiseFulfilledResult<{ modRevision: number }>).value.modRevision, 201);
    } finally {
      await s.close();
    }
  });

  test('a second process-level open of the same file is refused', async () => {
    const path = freshPath();
    const s = openSqliteStore({ path });
    try {
      const other = new Database(path, { timeout: 50 });
      assert.throws(() => other.prepare('SELECT count(*) FROM kv_current').get(), /locked|busy/i);
      other.close();
      assert.throws(() => openSqliteStore({ path }), /cannot open sqlite store .*locked/);
    } finally {
      await s.close();
    }
  });

  test('paginated list over 10,000 keys is fast, also at an older revision', async () => {
    const s = openSqliteStore({ path: freshPath() });
    try {
      const keys = Array.from({ length: 10_000 }, (_, i) => `/registry/configmaps/ns/cm-${String(i).padStart(5, '0')}`);
      await Promise.all(keys.map((k) => s.create(k, '{"data":{}}')));
      const pinned = await s.currentRevision();
      await Promise.all(keys.slice(0, 100).map((k) => s.delete(k)));
      for (const revision of [undefined, pinned]) {
        let after: string | undefined;
        let total = 0;
        for (;;) {
          const page = await s.list({ prefix: '/registry/configmaps/', limit: 500, after, revision });
          total += page.items.length;
          if (!page.more) break;
          after = page.items[page.items.length - 1].key;
        }
        assert.equal(total, revision ? 10_000 : 9_900);
      }
      assert.equal(await s.count('/registry/configmaps/'), 9_900);
    } finally {
      await s.close();
    }
  });

  test('long replays are chunked and still gap-free while writes continue', async () => {
    const s = openSqliteStore({ path: freshPath() });
    try {
      await Promise.all(Array.from({ length: 2500 }, (_, i) => s.create(`/h/${i}`, 'v')));
      const w = collect(s, '/h/', 0);
      const more = Promise.all(Array.from({ length: 100 }, (_, i) => s.create(`/h/x${i}`, 'v')));
      await more;
      const ev = await w.waitForEvents(2600);
      w.close();
      assert.equal(ev.length, 2600);
      assert.deepEqual(
        ev.map((e) => e.revision),
        Array.from({ length: 2600 }, (_, i) => i + 1),
      );
    } finally {
      await s.close();
    }
  });

  test('compaction removes superseded history rows and keeps later reads exact', async () => {
    const path = freshPath();
    const s = openSqliteStore({ path });
    const a = await s.create('/c/a', '1');
    let last = a;
    for (let i = 2; i <= 10; i++) last = await s.update('/c/a', String(i), last.modRevision);
    await s.create('/c/gone', 'x');
    await s.delete('/c/gone');
    const mid = await s.currentRevision();
    await s.update('/c/a', '11', last.modRevision);
    await s.compact(mid);
    await s.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT rev, key FROM kv_log ORDER BY rev').all() as { rev: number; key: string }[];
    db.close();
    // Kept: /c/a at rev 10 (the newest at or below mid, prev of rev 13) and rev 13.
    assert.deepEqual(rows, [
      { rev: 10, key: '/c/a' },
      { rev: 13, key: '/c/a' },
    ]);
    const s2 = openSqliteStore({ path });
    try {
      assert.equal(await s2.compactedRevision(), mid);
      const w = collect(s2, '/c/', mid);
      const ev = await w.waitForEvents(1);
      w.close();
      assert.equal(ev[0].prevKv?.value, '10');
    } finally {
      await s2.close();
    }
  });

  test('a throwing watch consumer is closed with an error, other watchers continue', async () => {
    const s = openSqliteStore({ path: freshPath() });
    try {
      const errors: Error[] = [];
      s.watch({
        prefix: '/t/',
        afterRevision: 0,
        onEvents: () => {
          throw new Error('consumer bug');
        },
        onError: (e) => errors.push(e),
      });
      const good = collect(s, '/t/', 0);
      await s.create('/t/a', 'v');
      await s.create('/t/b', 'v');
      await good.waitForEvents(2);
      good.close();
      assert.equal(errors.length, 1);
      assert.match(errors[0].message, /consumer bug/);
    } finally {
      await s.close();
    }
  });
});
