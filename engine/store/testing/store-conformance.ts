// The behaviour every Store backend must share, as node:test tests. Backends run it from
// their own *.test.ts with a factory; tests use revisions relative to what they observe,
// so a backend may share one server between tests (etcd with a prefix per store).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactedError, ConflictError, KeyExistsError, NotFoundError, type Store } from '../types';
import { collect } from './watch-collector';

export { collect } from './watch-collector';

export type MakeStore = () => Promise<{ store: Store; cleanup(): Promise<void> }>;

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function runStoreConformance(name: string, makeStore: MakeStore): void {
  const withStore = (title: string, fn: (s: Store) => Promise<void>) =>
    test(title, async () => {
      const { store, cleanup } = await makeStore();
      try {
        await fn(store);
      } finally {
        await cleanup();
      }
    });

  describe(`${name} store conformance`, () => {
    withStore('revision is monotonic across create, update and delete', async (s) => {
      const r0 = await s.currentRevision();
      const a = await s.create('/registry/pods/default/a', 'v1');
      assert.ok(a.modRevision > r0);
      assert.equal(a.createRevision, a.modRevision);
      assert.equal(await s.currentRevision(), a.modRevision);
      const b = await s.update('/registry/pods/default/a', 'v2', a.modRevision);
      assert.ok(b.modRevision > a.modRevision);
      assert.equal(b.createRevision, a.createRevision);
      const d = await s.delete('/registry/pods/default/a');
      assert.ok(d.revision > b.modRevision);
      assert.equal(await s.currentRevision(), d.revision);
    });

    withStore('create fails with KeyExistsError when the key exists', async (s) => {
      await s.create('/k/x', 'one');
      await assert.rejects(s.create('/k/x', 'two'), (e) => e instanceof KeyExistsError && e.key === '/k/x');
      assert.equal((await s.get('/k/x'))?.value, 'one');
    });

    withStore('update is a compare-and-swap on modRevision', async (s) => {
      const a = await s.create('/k/x', 'one');
      const b = await s.update('/k/x', 'two', a.modRevision);
      assert.equal(b.value, 'two');
      const err = await s.update('/k/x', 'three', a.modRevision).catch((e) => e);
      assert.ok(err instanceof ConflictError, String(err));
      assert.deepEqual(err.current, b);
      assert.equal((await s.get('/k/x'))?.value, 'two');
      await assert.rejects(s.update('/k/missing', 'v', 1), NotFoundError);
      await assert.rejects(s.update('/k/missing', 'v', 0), NotFoundError);
    });

    withStore('delete with and without an expected revision', async (s) => {
      const a = await s.create('/k/a', 'va');
      await s.create('/k/b', 'vb');
      const stale = await s.delete('/k/a', a.modRevision - 1).catch((e) => e);
      assert.ok(stale instanceof ConflictError);
      assert.equal(stale.current?.value, 'va');
      const del = await s.delete('/k/a', a.modRevision);
      assert.deepEqual(del.prev, a);
      assert.ok(del.revision > a.modRevision);
      assert.equal(await s.get('/k/a'), undefined);
      const delB = await s.delete('/k/b');
      assert.equal(delB.prev.value, 'vb');
      await assert.rejects(s.delete('/k/b'), NotFoundError);
      await assert.rejects(s.delete('/k/b', 5), NotFoundError);
    });

    withStore('get returns the latest value or undefined', async (s) => {
      assert.equal(await s.get('/k/none'), undefined);
      const a = await s.create('/k/a', '{"x":1}');
      assert.deepEqual(await s.get('/k/a'), a);
      const b = await s.update('/k/a', '{"x":2}', a.modRevision);
      assert.deepEqual(await s.get('/k/a'), b);
    });

    withStore('list by prefix does not match siblings and is sorted by key', async (s) => {
      for (const k of ['/registry/pods/b', '/registry/pods/a', '/registry/pods2/x', '/registry/pod', '/registry/podsz']) {
        await s.create(k, k);
      }
      const res = await s.list({ prefix: '/registry/pods/' });
      assert.deepEqual(
        res.items.map((i) => i.key),
        ['/registry/pods/a', '/registry/pods/b'],
      );
      assert.equal(res.more, false);
      assert.equal(res.revision, await s.currentRevision());
      assert.equal((await s.list({ prefix: '/registry/nothing/' })).items.length, 0);
    });

    withStore('list with limit and after pages through every key once', async (s) => {
      const keys = Array.from({ length: 25 }, (_, i) => `/registry/cm/ns/k${String(i).padStart(2, '0')}`);
      await Promise.all(keys.map((k) => s.create(k, 'v')));
      await s.create('/registry/cm/zz', 'outside the ns prefix but inside /registry/cm/');
      const seen: string[] = [];
      let after: string | undefined;
      const mores: boolean[] = [];
      for (;;) {
        const page = await s.list({ prefix: '/registry/cm/ns/', limit: 10, after });
        seen.push(...page.items.map((i) => i.key));
        mores.push(page.more);
        if (!page.more) break;
        after = page.items[page.items.length - 1].key;
      }
      assert.deepEqual(seen, keys);
      assert.deepEqual(mores, [true, true, false]);
      const exact = await s.list({ prefix: '/registry/cm/ns/', limit: 25 });
      assert.equal(exact.more, false);
    });

    withStore('list at an older revision sees the old state', async (s) => {
      const a = await s.create('/r/a', 'a1');
      await s.create('/r/b', 'b1');
      const old = await s.currentRevision();
      await s.update('/r/a', 'a2', a.modRevision);
      await s.delete('/r/b');
      await s.create('/r/c', 'c1');
      const then = await s.list({ prefix: '/r/', revision: old });
      assert.equal(then.revision, old);
      assert.deepEqual(
        then.items.map((i) => [i.key, i.value]),
        [
          ['/r/a', 'a1'],
          ['/r/b', 'b1'],
        ],
      );
      assert.equal(then.items[0].modRevision, a.modRevision);
      const page = await s.list({ prefix: '/r/', revision: old, limit: 1 });
      assert.deepEqual(
        page.items.map((i) => i.key),
        ['/r/a'],
      );
      assert.equal(page.more, true);
      const rest = await s.list({ prefix: '/r/', revision: old, limit: 1, after: '/r/a' });
      assert.deepEqual(
        rest.items.map((i) => i.value),
        ['b1'],
      );
      assert.equal(rest.more, false);
      const now = await s.list({ prefix: '/r/' });
      assert.deepEqual(
        now.items.map((i) => [i.key, i.value]),
        [
          ['/r/a', 'a2'],
          ['/r/c', 'c1'],
        ],
      );
    });

    withStore('count counts keys under a prefix', async (s) => {
      await Promise.all(['/c/x/1', '/c/x/2', '/c/x/3', '/c/xy/1'].map((k) => s.create(k, 'v')));
      await s.delete('/c/x/2');
      assert.equal(await s.count('/c/x/'), 2);
      assert.equal(await s.count('/c/'), 3);
      assert.equal(await s.count('/none/'), 0);
    });

    withStore('watch from now sees puts, updates and deletes with prevKv', async (s) => {
      const w = collect(s, '/w/', await s.currentRevision());
      try {
        await settle(50);
        const a = await s.create('/w/a', 'a1');
        const b = await s.update('/w/a', 'a2', a.modRevision);
        const d = await s.delete('/w/a');
        const ev = await w.waitForEvents(3);
        assert.deepEqual(
          ev.map((e) => e.type),
          ['put', 'put', 'delete'],
        );
        assert.deepEqual(ev[0].kv, a);
        assert.equal(ev[0].prevKv, undefined);
        assert.equal(ev[0].revision, a.modRevision);
        assert.deepEqual(ev[1].kv, b);
        assert.deepEqual(ev[1].prevKv, a);
        assert.deepEqual(ev[2].kv, { ...b, modRevision: d.revision });
        assert.deepEqual(ev[2].prevKv, b);
        assert.equal(ev[2].revision, d.revision);
      } finally {
        w.close();
      }
    });

    withStore('watch from an old revision replays then continues live, no gap, no duplicate', async (s) => {
      const start = await s.currentRevision();
      const a = await s.create('/w/a', 'a1');
      await s.update('/w/a', 'a2', a.modRevision);
      await s.create('/w/b', 'b1');
      const w = collect(s, '/w/', start);
      try {
        // Writes racing the replay must land exactly once, in order.
        const writes = Array.from({ length: 20 }, (_, i) => s.create(`/w/live${String(i).padStart(2, '0')}`, 'x'));
        await Promise.all(writes);
        await s.delete('/w/b');
        const ev = await w.waitForEvents(24);
        await settle(50);
        assert.equal(ev.length, 24);
        const revs = ev.map((e) => e.revision);
        assert.deepEqual(
          revs,
          [...revs].sort((x, y) => x - y),
        );
        assert.equal(new Set(revs).size, revs.length);
        assert.equal(revs[0], a.modRevision);
        assert.equal(revs[revs.length - 1], await s.currentRevision());
        assert.deepEqual(ev[1].prevKv?.value, 'a1');
        assert.equal(ev[23].type, 'delete');
        assert.equal(ev[23].kv.value, 'b1');
        assert.equal(ev[23].prevKv?.value, 'b1');
      } finally {
        w.close();
      }
    });

    withStore('watch filters by prefix', async (s) => {
      const w = collect(s, '/registry/pods/', await s.currentRevision());
      try {
        await settle(50);
        await s.create('/registry/pods2/x', 'no');
        await s.create('/registry/pod', 'no');
        await s.create('/registry/pods/a', 'yes');
        const ev = await w.waitForEvents(1);
        await settle(100);
        assert.deepEqual(
          ev.map((e) => e.kv.key),
          ['/registry/pods/a'],
        );
      } finally {
        w.close();
      }
    });

    withStore('a closed watcher gets no more events', async (s) => {
      const w = collect(s, '/w/', await s.currentRevision());
      await settle(50);
      await s.create('/w/a', '1');
      await w.waitForEvents(1);
      w.close();
      await s.create('/w/b', '2');
      await settle(100);
      assert.equal(w.events.length, 1);
    });

    withStore('compaction makes older lists and watches fail with CompactedError', async (s) => {
      const r0 = await s.currentRevision();
      const a = await s.create('/cp/a', 'a1');
      await s.create('/cp/b', 'b1');
      const a2 = await s.update('/cp/a', 'a2', a.modRevision);
      const mid = await s.currentRevision();
      await s.delete('/cp/b');
      await s.update('/cp/a', 'a3', a2.modRevision);
      await s.create('/cp/c', 'c1');
      await s.compact(mid);
      assert.equal(await s.compactedRevision(), mid);

      const listErr = await s.list({ prefix: '/cp/', revision: a.modRevision }).catch((e) => e);
      assert.ok(listErr instanceof CompactedError, String(listErr));
      assert.equal(listErr.compacted, mid);
      await assert.rejects(s.list({ prefix: '/cp/', revision: mid }), CompactedError);
      for (const from of [r0, mid - 1]) {
        const w = collect(s, '/cp/', from);
        try {
          assert.ok((await w.waitForError()) instanceof CompactedError, `watch after ${from}`);
          assert.equal(w.events.length, 0);
        } finally {
          w.close();
        }
      }

      // Everything after the compacted revision is still readable and watchable.
      const after = await s.list({ prefix: '/cp/', revision: mid + 1 });
      assert.deepEqual(
        after.items.map((i) => [i.key, i.value]),
        [['/cp/a', 'a2']],
      );
      const w2 = collect(s, '/cp/', mid);
      try {
        const ev = await w2.waitForEvents(3);
        assert.deepEqual(
          ev.map((e) => [e.type, e.kv.key]),
          [
            ['delete', '/cp/b'],
            ['put', '/cp/a'],
            ['put', '/cp/c'],
          ],
        );
        assert.equal(ev[0].prevKv?.value, 'b1');
        assert.equal(ev[1].prevKv?.value, 'a2');
      } finally {
        w2.close();
      }
      assert.deepEqual(
        (await s.list({ prefix: '/cp/' })).items.map((i) => i.value),
        ['a3', 'c1'],
      );
    });

    withStore('concurrent creates of one key: exactly one wins', async (s) => {
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => s.create('/race/x', `v${i}`)));
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof KeyExistsError);
      assert.equal((await s.get('/race/x'))?.value, (won[0] as PromiseFulfilledResult<{ value: string }>).value.value);
    });

    withStore('concurrent updates with one expected revision: exactly one wins', async (s) => {
      const a = await s.create('/race/y', 'v');
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => s.update('/race/y', `u${i}`, a.modRevision)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof ConflictError);
    });
  });
}
