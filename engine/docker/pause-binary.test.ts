import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pauseBinary, pauseDigest, PAUSE_ARCHES } from './pause-binary';

void test('the pause binary is a static ELF executable for each architecture', () => {
  for (const [arch, machine] of [
    ['amd64', 62],
    ['arm64', 183],
  ] as const) {
    const b = pauseBinary(arch);
    assert.equal(b.subarray(0, 4).toString('latin1'), '\x7fELF');
    assert.equal(b.readUInt16LE(18), machine);
    assert.equal(b.readUInt16LE(56), 1, 'one program header');
    assert.equal(b.readUInt32LE(64), 1, 'PT_LOAD, no PT_INTERP: static');
    assert.equal(Number(b.readBigUInt64LE(24)), 0x400000 + 120, 'entry right after the headers');
    assert.equal(pauseDigest(arch).length, 64);
  }
  assert.deepEqual(PAUSE_ARCHES.sort(), ['amd64', 'arm64']);
  assert.throws(() => pauseBinary('s390x'), /no built-in pause binary for s390x/);
});

void test('it sleeps until SIGTERM and then exits 0', { skip: process.platform !== 'linux' || process.arch !== 'x64' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-pause-'));
  try {
    const file = join(dir, 'pause');
    writeFileSync(file, pauseBinary('amd64'), { mode: 0o755 });
    const p = spawn(file, { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(p.exitCode, null, 'still running');
    const done = new Promise<[number | null, string | null]>((resolve) => p.once('exit', (c, s) => resolve([c, s])));
    p.kill('SIGTERM');
    assert.deepEqual(await done, [0, null]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
