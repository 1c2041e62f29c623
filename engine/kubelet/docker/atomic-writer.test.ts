import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
  mkdirSync,
  openSync,
  readSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAtomically } from './atomic-writer';

const tmp = () => mkdtempSync(join(tmpdir(), 'skiff-atomic-'));

test('files appear through ..data links and updates swap them whole', () => {
  const dir = tmp();
  assert.equal(writeAtomically(dir, { 'app.conf': 'a=1', 'nested/x.txt': 'x' }), true);
  assert.equal(readFileSync(join(dir, 'app.conf'), 'utf8'), 'a=1');
  assert.equal(readFileSync(join(dir, 'nested/x.txt'), 'utf8'), 'x');
  assert.equal(readlinkSync(join(dir, 'app.conf')), '..data/app.conf');
  const first = readlinkSync(join(dir, '..data'));

  assert.equal(writeAtomically(dir, { 'app.conf': 'a=1', 'nested/x.txt': 'x' }), false, 'unchanged content writes nothing');
  assert.equal(readlinkSync(join(dir, '..data')), first);

  // A reader holding the old file keeps reading the old generation whole.
  const fd = openSync(join(dir, 'app.conf'), 'r');
  assert.equal(writeAtomically(dir, { 'app.conf': 'a=2', 'new.txt': 'n' }), true);
  const buf = Buffer.alloc(10);
  assert.equal(buf.subarray(0, readSync(fd, buf)).toString(), 'a=1');
  closeSync(fd);
  assert.equal(readFileSync(join(dir, 'app.conf'), 'utf8'), 'a=2');
  assert.equal(readFileSync(join(dir, 'new.txt'), 'utf8'), 'n');
  assert.throws(() => readFileSync(join(dir, 'nested/x.txt')), /ENOENT/, 'a removed key is gone');
  assert.deepEqual(readdirSync(dir).filter((e) => e.startsWith('..')).length, 2, 'one generation and ..data remain');
  rmSync(dir, { recursive: true });
});

test('plain files from an older writer are replaced; keepOld leaves earlier generations', () => {
  const dir = tmp();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'k'), 'old');
  writeAtomically(dir, { k: 'v1' });
  assert.equal(readFileSync(join(dir, 'k'), 'utf8'), 'v1');
  writeAtomically(dir, { k: 'v2' }, { keepOld: true });
  assert.equal(readdirSync(dir).filter((e) => e.startsWith('..') && e !== '..data').length, 2);
  rmSync(dir, { recursive: true });
});
