// Store throughput, each figure beside its floor from the same run on the same disk:
//   sqlite store durable creates/s (16 in flight)  vs raw better-sqlite3 single-row transactions/s
//   etcd store creates/s (16 in flight)            vs raw etcd3 puts/s (16 in flight)
// Run alone with `node --import tsx test/bench/store-bench.ts`; api-bench.ts also calls it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { Etcd3 } from 'etcd3';
import { openSqliteStore } from '../../engine/store/sqlite-store';
import { openEtcdStore } from '../../engine/store/etcd-store';
import { findEtcdBinary, startEtcdTestServer } from '../../engine/store/testing/etcd-test-server';

const CONCURRENCY = 16;
const STORE_MS = 3000;
const FLOOR_MS = 2000;
const VALUE = JSON.stringify({
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: { name: 'x', namespace: 'default' },
  data: { k: 'v'.repeat(300) },
});

/** Runs op with `concurrency` calls in flight for about durationMs; returns completed ops per second. */
async function rate(durationMs: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  const end = t0 + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      await op(next++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - t0) / 1000);
}

function rawSqliteInsertsPerSec(path: string, durationMs: number): number {
  const db = new Database(path);
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (key, value) VALUES (?, ?)');
  let n = 0;
  const t0 = performance.now();
  // Each autocommit insert is its own transaction: one WAL fsync per row.
  while (performance.now() - t0 < durationMs) insert.run(`/k/${n++}`, VALUE);
  const perSec = n / ((performance.now() - t0) / 1000);
  db.close();
  return perSec;
}

export async function runStoreBench(log: (line: string) => void): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
  const dir = mkdtempSync(join(tmpdir(), 'skiff-store-bench-'));
  try {
    const store = openSqliteStore({ path: join(dir, 'store.db') });
    results['store.sqlite.creates_per_s'] = await rate(STORE_MS, CONCURRENCY, (i) =>
      store.create(`/registry/configmaps/default/cm-${i}`, VALUE),
    );
    await store.close();
    results['floor.sqlite.single_row_tx_per_s'] = rawSqliteInsertsPerSec(join(dir, 'raw.db'), FLOOR_MS);
    log(
      `store sqlite: durable creates ${fmt(results['store.sqlite.creates_per_s'])} (${CONCURRENCY} in flight)` +
        `   floor: raw single-row transactions ${fmt(results['floor.sqlite.single_row_tx_per_s'])}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (!findEtcdBinary()) {
    log('store etcd: skipped (no etcd binary)');
    return results;
  }
  const server = await startEtcdTestServer();
  try {
    const store = await openEtcdStore({ endpoints: server.endpoints, prefix: '/bench' });
    results['store.etcd.creates_per_s'] = await rate(STORE_MS, CONCURRENCY, (i) =>
      store.create(`/registry/configmaps/default/cm-${i}`, VALUE),
    );
    await store.close();
    const raw = new Etcd3({ hosts: server.endpoints });
    results['floor.etcd.puts_per_s'] = await rate(FLOOR_MS, CONCURRENCY, (i) => raw.put(`/raw/k${i}`).value(VALUE).exec());
    raw.close();
    log(
      `store etcd: creates ${fmt(results['store.etcd.creates_per_s'])} (${CONCURRENCY} in flight)` +
        `   floor: raw etcd3 puts ${fmt(results['floor.etcd.puts_per_s'])} (${CONCURRENCY} in flight)`,
    );
  } finally {
    await server.stop();
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await runStoreBench((line) => console.log(line));
  console.log(JSON.stringify(results));
}
