import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimPidFile, hasExited, isAlive, releasePidFile, runningPid, stateByStat, waitForExit } from './pid-file';

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

test('a process the kernel is tearing down is not alive, and has exited only once its teardown ends', () => {
  // pid (comm) state ppid pgrp session tty tpgid flags …; the command may hold spaces and parentheses.
  const line = (state: string, flags: number) => `4242 (node (skiff) x) ${state} 1 4242 4242 0 -1 ${flags} 122 0 0 0`;
  assert.equal(stateByStat(line('S', 0x400000)), 'running', 'sleeping');
  assert.equal(stateByStat(line('R', 0x400100)), 'running');
  assert.equal(stateByStat(line('Z', 0x400000)), 'exited', 'zombie');
  assert.equal(stateByStat(line('X', 0)), 'exited', 'dead');
  // SIGKILL sets PF_EXITING before the process frees its memory and files, and its cmdline is
  // already empty then: without this a status read in that window called a crash a clean stop.
  assert.equal(stateByStat(line('D', 0x400004)), 'exiting');
  if (existsSync('/proc/self/stat')) assert.equal(stateByStat(readFileSync('/proc/self/stat', 'utf8')), 'running', 'this process');
  assert.equal(isAlive(process.pid), true);
  assert.equal(hasExited(process.pid), false);
  assert.equal(hasExited(999999999), true);
});
