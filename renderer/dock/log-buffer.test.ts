import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendLines, linesText, makeLine, searchLines, splitTimestamp, sysLine } from './log-buffer';

test('timestamps split off the API\u2019s lines', () => {
  assert.deepEqual(splitTimestamp('2024-05-01T10:00:00.123456789Z tick 1'), { ts: '2024-05-01T10:00:00.123456789Z', text: 'tick 1' });
  assert.deepEqual(splitTimestamp('plain line with spaces'), { text: 'plain line with spaces' });
});

test('the buffer keeps the newest lines up to its limit', () => {
  let buf = appendLines(
    [],
    ['a', 'b', 'c'].map((t) => makeLine(t)),
    4,
  );
  buf = appendLines(
    buf,
    ['d', 'e'].map((t) => makeLine(t)),
    4,
  );
  assert.deepEqual(
    buf.map((l) => l.text),
    ['b', 'c', 'd', 'e'],
  );
  buf = appendLines(
    buf,
    ['1', '2', '3', '4', '5'].map((t) => makeLine(t)),
    4,
  );
  assert.deepEqual(
    buf.map((l) => l.text),
    ['2', '3', '4', '5'],
  );
  assert.equal(appendLines(buf, []), buf);
});

test('search and download text', () => {
  const lines = [makeLine('2024-05-01T10:00:00Z Hello', 'web-1'), sysLine('reconnected'), makeLine('hello again')];
  assert.deepEqual(searchLines(lines, 'HELLO'), [0, 2]);
  assert.equal(linesText(lines, true), '2024-05-01T10:00:00Z [web-1] Hello\nreconnected\nhello again\n');
});
