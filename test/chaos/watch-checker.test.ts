// Watch correctness across API server restarts: 8 writers patch their own ConfigMaps while 8
// watchers follow them, and the `skiff start` process is restarted 20 times (alternately SIGTERM
// and kill -9) with compaction every 2 s, on SQLite and on etcd. Every watcher must see each
// acknowledged write exactly once, in resourceVersion order, resuming from its last version
// after each restart; a 410 Gone is allowed only for a version really compacted, and the relist
// that follows it covers the gap.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSkiffProcess, type SkiffProcess } from '../testing/skiff-process';
import { kubeHttp, type KubeHttp } from '../testing/kube-http';
import { waitFor } from '../wait-for';
import { openStore } from '../../engine/store/open-store';
import { etcdRequired, findEtcdBinary, startEtcdTestServer, type EtcdTestServer } from '../../engine/store/testing/etcd-test-server';

const RESTARTS = Number(process.env.SKIFF_CHAOS_RESTARTS) || 20;
const WRITERS = 8;
const WATCHERS = 8;
const NS = '/api/v1/namespaces/default/configmaps';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

after(async () => {
  for (const c of cleanups) await c().catch(() => {});
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Watcher {
  rv: number;
  seen: Map<number, number>;
  reordered: number;
  /** (from, to]: versions covered by a relist after a 410 instead of by events. */
  gaps: [number, number][];
  gones: { requested: number; oldest: number }[];
  reconnects: number;
}

type ObjectMeta = { metadata?: { name?: string; resourceVersion?: string } };

function runWatcher(http: KubeHttp, w: Watcher, stopped: () => boolean): Promise<void> {
  const relist = async () => {
    const list = await http.call('GET', NS);
    const rv = Number((list.body.metadata as { resourceVersion?: string } | undefined)?.resourceVersion);
    if (!rv) throw new Error(`list failed: ${list.status}`);
    w.gaps.push([w.rv, rv]);
    w.rv = rv;
  };
  const gone = async (message: string) => {
    const m = /too old resource version: (\d+) \((\d+)\)/.exec(message);
    w.gones.push({ requested: Number(m?.[1] ?? -1), oldest: Number(m?.[2] ?? -1) });
    await relist();
  };
  return (async () => {
    while (!stopped()) {
      try {
        const res = await http.stream(`${NS}?watch=1&allowWatchBookmarks=true&resourceVersion=${w.rv}`);
        if (res.statusCode === 410) {
          let body = '';
          for await (const c of res) body += String(c);
          await gone(body);
          continue;
        }
        if (res.statusCode !== 200) {
          res.resume();
          await sleep(100);
          continue;
        }
        let buf = '';
        for await (const chunk of res) {
          if (stopped()) break;
          buf += String(chunk);
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (!line.trim()) continue;
            const ev = JSON.parse(line) as { type: string; object: ObjectMeta & { code?: number; message?: string } };
            if (ev.type === 'ERROR') {
              if (ev.object.code === 410) await gone(ev.object.message ?? '');
              res.destroy();
              break;
            }
            const rv = Number(ev.object.metadata?.resourceVersion);
            if (ev.type !== 'BOOKMARK') {
              if (rv <= w.rv) w.reordered++;
              w.seen.set(rv, (w.seen.get(rv) ?? 0) + 1);
            }
            if (rv > w.rv) w.rv = rv;
          }
        }
        res.destroy();
      } catch {
        await sleep(100);
      }
      w.reconnects++;
    }
  })();
}

async function check(name: string, start: (dir: string) => Promise<SkiffProcess>, compacted: (dir: string) => Promise<number>) {
  const dir = mkdtempSync(join(tmpdir(), `skiff-watch-${name}-`));
  dirs.push(dir);
  let skiff = await start(dir);
  cleanups.push(() => skiff.kill());
  const http = kubeHttp(join(dir, 'kc'));
  for (let i = 0; i < WRITERS; i++) {
    const r = await http.call('POST', NS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `w${i}` }, data: { seq: '0' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const listed = await http.call('GET', NS);
  const startRv = Number((listed.body.metadata as { resourceVersion: string }).resourceVersion);
  let stopWriters = false;
  let stopWatchers = false;
  const watchers: Watcher[] = Array.from({ length: WATCHERS }, () => ({
    rv: startRv,
    seen: new Map(),
    reordered: 0,
    gaps: [],
    gones: [],
    reconnects: 0,
  }));
  const watching = watchers.map((w) => runWatcher(http, w, () => stopWatchers));
  const acked: number[] = [];
  const writing = Array.from({ length: WRITERS }, async (_, i) => {
    for (let seq = 1; !stopWriters; seq++) {
      try {
        const r = await http.call('PATCH', `${NS}/w${i}`, { data: { seq: String(seq) } }, 'application/merge-patch+json');
        if (r.status === 200) acked.push(Number((r.body as ObjectMeta).metadata?.resourceVersion));
        else await sleep(50);
      } catch {
        await sleep(50); // the server is restarting: the write may or may not have landed
      }
    }
  });

  for (let r = 0; r < RESTARTS; r++) {
    await sleep(700);
    if (r % 2 === 0) {
      const p = skiff.proc;
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
      });
    } else await skiff.kill();
    skiff = await start(dir);
  }
  await sleep(700);
  stopWriters = true;
  await Promise.all(writing);
  const last = Math.max(...acked);
  await waitFor('every watcher caught up', () => Promise.resolve(watchers.every((w) => w.rv >= last)), 30_000);
  stopWatchers = true;
  // Streams end with the process (killed below); each loop then sees the stop.
  void Promise.all(watching);
  // A watcher that comes back late, from before the compactions, gets 410 Gone (once the
  // running process's compactor has ticked twice).
  await waitFor(
    'a late watch gets 410 Gone',
    async () => {
      const late = await http.stream(`${NS}?watch=1&resourceVersion=${startRv}`);
      let body = '';
      late.on('data', (c) => (body += String(c)));
      await sleep(300);
      late.destroy();
      return late.statusCode === 410 || /"code":410/.test(body);
    },
    15_000,
    500,
  );
  await skiff.kill();
  const compactedAtEnd = await compacted(dir);
  assert.ok(compactedAtEnd > startRv, `history was compacted during the run (compacted ${compactedAtEnd}, start ${startRv})`);

  let missed = 0;
  let duplicated = 0;
  let reordered = 0;
  let gones = 0;
  let events = 0;
  for (const w of watchers) {
    reordered += w.reordered;
    for (const n of w.seen.values()) {
      events += n;
      if (n > 1) duplicated += n - 1;
    }
    for (const rv of acked) if (!w.seen.has(rv) && !w.gaps.some(([a, b]) => rv > a && rv <= b)) missed++;
    for (const g of w.gones) {
      gones++;
      assert.ok(g.requested < g.oldest, `410 for ${g.requested} names an older oldest version ${g.oldest}`);
      assert.ok(g.requested <= compactedAtEnd, `410 for ${g.requested}, but only ${compactedAtEnd} was ever compacted`);
    }
  }
  console.log(
    `# ${name}: ${RESTARTS} restarts, ${acked.length} acknowledged writes, ${events} events to ${WATCHERS} watchers: ` +
      `${missed} missed, ${duplicated} duplicated, ${reordered} reordered, ${gones} × 410 Gone (each after compaction); a late watcher from before the compactions got 410`,
  );
  assert.ok(acked.length > RESTARTS * WRITERS, 'the writers kept writing across restarts');
  assert.equal(missed, 0, 'missed events');
  assert.equal(duplicated, 0, 'duplicated events');
  assert.equal(reordered, 0, 'reordered events');
}

const env = { SKIFF_COMPACT_INTERVAL_MS: '2000' };

test(
  'watch checker on SQLite: restarts (clean and kill -9) and compaction lose, repeat and reorder nothing',
  { timeout: 300_000 },
  async () => {
    await check(
      'sqlite',
      (dir) => startSkiffProcess({ name: 'watch', dir, nodeRuntime: 'simulated', env, ready: 'api' }),
      (dir) => {
        const db = new Database(join(dir, 'data', 'watch', 'state.db'), { readonly: true, fileMustExist: true });
        try {
          return Promise.resolve(
            (db.prepare("SELECT value FROM meta WHERE name = 'compacted'").get() as { value: number } | undefined)?.value ?? 0,
          );
        } finally {
          db.close();
        }
      },
    );
  },
);

const etcdBin = findEtcdBinary();
const etcdSkip = etcdBin ? false : 'etcd is not installed';
if (etcdSkip && etcdRequired()) throw new Error(`etcd is required here but ${etcdSkip}`);

test('watch checker on etcd: the same under restarts and compaction', { skip: etcdSkip, timeout: 300_000 }, async () => {
  const etcd: EtcdTestServer = await startEtcdTestServer();
  cleanups.push(() => etcd.stop());
  const endpoints = etcd.endpoints.join(',');
  await check(
    'etcd',
    (dir) =>
      startSkiffProcess({
        name: 'watch',
        dir,
        nodeRuntime: 'simulated',
        env,
        ready: 'api',
        args: ['--datastore', 'etcd', '--etcd-endpoints', endpoints],
      }),
    async () => {
      // The shared machine may keep etcd busy past the client's 3 s connect deadline: retry.
      const store = await waitFor('etcd reachable', () => openStore({ kind: 'etcd', endpoints: etcd.endpoints }), 30_000, 500);
      try {
        return await store.compactedRevision();
      } finally {
        await store.close();
      }
    },
  );
});
