import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main';
import type { CliIo } from './io';

const home = mkdtempSync(join(tmpdir(), 'skiff-main-'));
process.on('exit', () => rmSync(home, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env: { HOME: home, SKIFF_HOME: join(home, 'skiff') } };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err };
}

test('help and version', async () => {
  for (const argv of [[], ['help'], ['--help'], ['start', '--help'], ['status', '-h']]) {
    const r = await run(...argv);
    assert.equal(r.code, 0);
    assert.match(r.out, /^skiff - Kubernetes in one click\n\nUsage: skiff <command>/);
  }
  const v = await run('version');
  assert.match(v.out, /^skiff \d+\.\d+\.\d+$/);
});

test('commands on a cluster that does not exist', async () => {
  const status = await run('status', '--name', 'ghost');
  assert.equal(status.code, 1);
  assert.match(status.out, /does not exist/);
  const stop = await run('stop', '--name', 'ghost');
  assert.equal(stop.code, 0);
  assert.match(stop.out, /not running/);
  const del = await run('delete', '--name', 'ghost');
  assert.equal(del.code, 0);
  const kc = await run('kubeconfig', '--name', 'ghost');
  assert.equal(kc.code, 1);
  assert.deepEqual(kc.err, ['skiff: cluster "ghost" has no kubeconfig yet; start it with "skiff start --name ghost"']);
});

test('errors are exactly one line', async () => {
  const r = await run('start', '--port', 'x');
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, ['skiff: invalid --port "x"; use a number from 1 to 65535, or 0 for any free port']);
});
