import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPathWatcher, signature } from './path-watcher';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('fs.watch alone (no poll) sees writes, renames over the file, and files added to a watched folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-watch-'));
  const file = join(dir, 'config');
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  writeFileSync(file, 'a');
  writeFileSync(join(dir, 'unrelated'), 'x');
  let fired = 0;
  const w = createPathWatcher({ onChange: () => fired++, debounceMs: 30, pollMs: 0 });
  w.setPaths([file, folder]);
  try {
    writeFileSync(join(dir, 'unrelated'), 'y');
    await wait(150);
    assert.equal(fired, 0, 'other files in the same folder do not count');
    writeFileSync(file, 'b');
    await wait(150);
    assert.equal(fired, 1);
    writeFileSync(join(dir, 'config.new'), 'c');
    renameSync(join(dir, 'config.new'), file);
    await wait(150);
    assert.equal(fired, 2);
    writeFileSync(join(folder, 'new.yaml'), 'd');
    await wait(150);
    assert.equal(fired, 3);
  } finally {
    w.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the re-stat signature changes with content, identity and folder listings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sig-'));
  const file = join(dir, 'f');
  const missing = signature([file]);
  writeFileSync(file, 'one');
  const one = signature([file, dir]);
  assert.notEqual(signature([file]), missing);
  writeFileSync(file, 'three');
  assert.notEqual(signature([file, dir]), one);
  const before = signature([dir]);
  writeFileSync(join(dir, 'g'), '');
  assert.notEqual(signature([dir]), before);
  rmSync(dir, { recursive: true, force: true });
});
