// A full disk under the data dir: a cluster whose data dir sits on a small tmpfs is filled to the
// brim. Writes fail with a clear Status naming the store, nothing crashes, reads and watches go
// on, writes work again once space is freed, and SQLite's integrity check passes afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { run, kubectlPath } from '../integration/harness';
import { waitFor } from '../wait-for';
import { ensureCliBuilt } from '../testing/ensure-cli-built';
import { fillDisk, trySmallDisk, unmountSmallDisk } from './testing/small-disk';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'skiff-full-'));
const mnt = join(dir, 'mnt');
const cluster = 'full';

const skip = await trySmallDisk(mnt, '24m');
if (skip && process.env.SKIFF_REQUIRE_DOCKER) throw new Error(`SKIFF_REQUIRE_DOCKER is set but ${skip}`);

let proc: ChildProcess | undefined;
const env = () => ({ ...process.env, HOME: dir, KUBECONFIG: join(dir, 'kc') });
const kubectl = (args: string[]) => run(kubectlPath(), args, { env: env() });
const blob = Buffer.alloc(45_000, 'x').toString();

before(async () => {
  if (skip) return;
  await ensureCliBuilt();
});

after(async () => {
  if (proc && proc.exitCode === null) {
    const p = proc;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }
  if (!skip) await unmountSmallDisk(mnt);
  rmSync(dir, { recursive: true, force: true });
});

test(
  'a full disk under the data dir: clear write errors, reads and watches go on, recovery, store intact',
  { skip, timeout: 120_000 },
  async () => {
    const data = join(mnt, 'data');
    const args = [
      'start',
      '--foreground',
      '--name',
      cluster,
      '--data-dir',
      data,
      '--kubeconfig',
      join(dir, 'kc'),
      '--node-runtime',
      'simulated',
    ];
    const p = spawn(process.execPath, [join(root, 'bin/skiff.mjs'), ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    await waitFor('node Ready', async () => {
      if (p.exitCode !== null) throw new Error(`skiff exited ${p.exitCode}: ${output}`);
      return / Ready /.test((await kubectl(['get', 'nodes', '--no-headers'])).stdout);
    });
    assert.equal((await kubectl(['create', 'configmap', 'before', '--from-literal=a=b'])).code, 0);
    const watch = spawn(kubectlPath(), ['get', 'configmaps', '--watch', '-o', 'name'], { env: env() });
    let watched = '';
    watch.stdout.on('data', (d) => (watched += d));
    try {
      await waitFor('watch started', () => Promise.resolve(watched.includes('configmap/before')));

      fillDisk(join(mnt, 'filler'));
      // SQLite may still have a free page or two: write until the store refuses.
      let refused: string | undefined;
      for (let i = 0; i < 20 && !refused; i++) {
        const r = await kubectl(['create', 'configmap', `big${i}`, `--from-literal=blob=${blob}`]);
        if (r.code !== 0) refused = r.stderr;
      }
      assert.ok(refused, 'a write is refused on a full disk');
      assert.match(refused, /store is full \(database space exceeded\)/);
      assert.ok(refused.includes(join(data, cluster, 'state.db')), `the error names the store: ${refused}`);
      assert.match(refused, /free some space/);
      assert.doesNotMatch(output, /\n\s+at /, 'no stack traces in the log for a full disk');

      assert.equal(p.exitCode, null, 'the cluster process is still running');
      const list = await kubectl(['get', 'configmaps', '-o', 'name']);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /configmap\/before/);

      rmSync(join(mnt, 'filler'));
      await waitFor(
        'writes work again',
        async () => (await kubectl(['create', 'configmap', 'after', '--from-literal=a=b'])).code === 0,
        10_000,
      );
      await waitFor('the watch went on', () => Promise.resolve(watched.includes('configmap/after')), 10_000);
    } finally {
      watch.kill();
    }

    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
    const db = new Database(join(data, cluster, 'state.db'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
  },
);
