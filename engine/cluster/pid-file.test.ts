import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimPidFile, isAlive, releasePidFile, runningPid, waitForExit } from './pid-file';

const dir = mkdtempSync(join(tmpdir(), 'skiff-pid-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('claims a free pid file and replaces a stale one', () => {
  const p = join(dir, 'a.pid');
  assert.equal(claimPidFile(p, 4242), undefined);
  assert.equal(readFileSync(p, 'utf8'), '4242\n');
  writeFileSync(p, '999999999\n'); // no such process
  assert.equal(runningPid(p), undefined);
  assert.equal(claimPidFile(p, 4243), undefined);
  assert.equal(readFileSync(p, 'utf8'), '4243\n');
  releasePidFile(p, 1); // not ours: kept
  assert.ok(existsSync(p));
  releasePidFile(p, 4243);
  assert.ok(!existsSync(p));
});

test('refuses a pid file held by a live skiff process; ignores a live unrelated one', async () => {
  const p = join(dir, 'b.pid');
  // argv mentions skiff and --foreground, like a real cluster process.
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'skiff', '--foreground'], { stdio: 'ignore' });
  await new Promise((r) => child.once('spawn', r));
  try {
    writeFileSync(p, `${child.pid}\n`);
    assert.equal(runningPid(p), child.pid);
    assert.equal(claimPidFile(p, 5555), child.pid);
    writeFileSync(p, `${process.pid}\n`); // alive but not a cluster process (pid reuse)
    assert.equal(runningPid(p), undefined);
  } finally {
    child.kill('SIGKILL');
  }
  assert.equal(await waitForExit(child.pid!, 2000), true);
  assert.equal(isAlive(child.pid!), false);
});
