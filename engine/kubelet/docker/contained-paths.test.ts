import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveInside, VolumePathError } from './contained-paths';
import { writeAtomically } from './atomic-writer';

test('subPaths resolve inside their volume; `..`, absolute paths and planted symlinks are refused', () => {
  const top = mkdtempSync(join(tmpdir(), 'skiff-paths-'));
  try {
    const vol = join(top, 'vol');
    const outside = join(top, 'secret-dir');
    mkdirSync(vol);
    mkdirSync(outside);
    writeFileSync(join(outside, 'key.pem'), 'x');
    assert.equal(resolveInside(vol, 'a/b'), join(vol, 'a/b'));
    assert.ok(existsSync(join(vol, 'a/b')));
    for (const bad of ['../secret-dir', 'a/../../secret-dir', '/etc']) assert.throws(() => resolveInside(vol, bad), VolumePathError, bad);
    // What a container can do in an emptyDir: symlinks to the host's directories.
    symlinkSync(outside, join(vol, 'escape'));
    symlinkSync('/nonexistent-skiff-target', join(vol, 'dangling'));
    assert.throws(() => resolveInside(vol, 'escape'), /resolves outside its volume/);
    assert.throws(() => resolveInside(vol, 'escape/new-dir'), /resolves outside its volume/);
    assert.equal(existsSync(join(outside, 'new-dir')), false, 'nothing was created outside');
    assert.throws(() => resolveInside(vol, 'dangling/x'), /resolves outside its volume/);
    // A link that stays inside is fine (ConfigMap keys are links through ..data).
    symlinkSync('a', join(vol, 'inner'));
    assert.equal(resolveInside(vol, 'inner/b'), join(vol, 'a/b'));
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

test('the atomic writer refuses item paths that would leave the volume or shadow ..data', () => {
  const top = mkdtempSync(join(tmpdir(), 'skiff-paths-'));
  try {
    const dir = join(top, 'vol');
    for (const p of ['../../escaped', '/abs', 'a/../../../escaped', '..data', '..2026']) {
      assert.throws(() => writeAtomically(dir, { [p]: 'x' }), VolumePathError, p);
    }
    assert.equal(existsSync(join(top, 'escaped')), false);
    assert.equal(writeAtomically(dir, { 'ok/file': 'x', 'dir/..hidden': 'y' }), true);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});
