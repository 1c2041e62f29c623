import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotateLog } from './log-rotation';

test('skiff.log rotates by size, keeps a few, and the writer carries on at the start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-logrot-'));
  try {
    const file = join(dir, 'skiff.log');
    const fd = openSync(file, 'a'); // as the detached cluster process holds it
    for (let round = 1; round <= 5; round++) {
      writeSync(fd, `round ${round} `.padEnd(200, 'x') + '\n');
      assert.equal(rotateLog(file, { maxBytes: 100, keep: 3 }), true);
      assert.equal(statSync(file).size, 0);
    }
    writeSync(fd, 'after\n');
    closeSync(fd);
    assert.equal(readFileSync(file, 'utf8'), 'after\n', 'the writer appends to the emptied file, no hole');
    assert.match(readFileSync(`${file}.1`, 'utf8'), /^round 5 /);
    assert.match(readFileSync(`${file}.3`, 'utf8'), /^round 3 /);
    assert.equal(existsSync(`${file}.4`), false, 'only 3 old files are kept');
    appendFileSync(file, 'small\n');
    assert.equal(rotateLog(file, { maxBytes: 100, keep: 3 }), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
