import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLineSplitter } from './line-splitter';

test('lines split across chunks, CRLF trimmed, tail flushed', () => {
  const lines: string[] = [];
  const s = createLineSplitter((l) => lines.push(l));
  s.push('{"a":');
  s.push('1}\n{"b"');
  s.push(':2}\r\n\npartial');
  assert.deepEqual(lines, ['{"a":1}', '{"b":2}', '']);
  s.flush();
  assert.deepEqual(lines, ['{"a":1}', '{"b":2}', '', 'partial']);
  s.flush();
  assert.equal(lines.length, 4);
});
