// Every write the sqlite store acknowledged must survive kill -9 of its process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from './sqlite-store';

const writer = fileURLToPath(new URL('./testing/crash-writer.ts', import.meta.url));

test('acknowledged creates survive kill -9 mid-storm', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-crash-'));
  const path = join(dir, 'store.db');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
    // Kill once a healthy number of writes were acknowledged, while it is still writing (the first
    // line is the writer's greeting, the last may be torn: 2,000 acknowledgements need 2,003 parts).
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`writer too slow; stderr: ${err}`)), 15_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.split('\n').length > 2002) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(`writer exited early; stderr: ${err}`));
      });
    });
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    // Only complete lines are acknowledgements; a torn last line is not.
    const acked = out
      .split('\n')
      .slice(1, -1)
      .map((l) => {
        const [key, rev] = l.split(' ');
        return { key, rev: Number(rev) };
      });
    assert.ok(acked.length >= 2000);
    const store = openSqliteStore({ path });
    try {
      const rev = await store.currentRevision();
      const maxAcked = Math.max(...acked.map((a) => a.rev));
      assert.ok(rev >= maxAcked, `revision ${rev} < acknowledged ${maxAcked}`);
      const all = await store.list({ prefix: '/crash/' });
      const byKey = new Map(all.items.map((kv) => [kv.key, kv]));
      for (const a of acked) assert.equal(byKey.get(a.key)?.modRevision, a.rev, `lost ${a.key}`);
      // Only creates were written from an empty store: one key per revision, no holes.
      assert.equal(all.items.length, rev);
      assert.equal(await store.count('/crash/'), rev);
      // The store keeps working after recovery, continuing the revision sequence.
      assert.equal((await store.create('/after', 'v')).modRevision, rev + 1);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
