import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResumeCursor, timestampKey } from './log-resume';

test('timestamps of any precision compare in time order once keyed', () => {
  const ts = ['2024-05-01T10:00:01Z', '2024-05-01T10:00:01.5Z', '2024-05-01T10:00:01.45Z', '2024-05-01T10:00:00.999999999Z'];
  const sorted = [...ts].sort((a, b) => (timestampKey(a) < timestampKey(b) ? -1 : 1));
  assert.deepEqual(sorted, ['2024-05-01T10:00:00.999999999Z', '2024-05-01T10:00:01Z', '2024-05-01T10:00:01.45Z', '2024-05-01T10:00:01.5Z']);
  assert.equal(timestampKey('not a time'), 'not a time');
});

test('a resume starts at the last line second and drops exactly the lines already seen', () => {
  const c = createResumeCursor();
  assert.equal(c.sinceTime(), undefined);
  c.begin();
  // First read: two lines share a timestamp (the precision of some runtimes), then the stream drops.
  for (const ts of ['2024-05-01T10:00:00.1Z', '2024-05-01T10:00:01.2Z', '2024-05-01T10:00:01.2Z']) assert.ok(c.accept(ts));
  assert.equal(c.sinceTime(), '2024-05-01T10:00:01Z');
  c.begin();
  // The server replays the whole second: one earlier line, the two seen, then a third line at the
  // same instant that never arrived before, and newer ones.
  const replay = [
    '2024-05-01T10:00:01.05Z',
    '2024-05-01T10:00:01.2Z',
    '2024-05-01T10:00:01.2Z',
    '2024-05-01T10:00:01.2Z',
    '2024-05-01T10:00:02Z',
  ];
  assert.deepEqual(
    replay.map((ts) => c.accept(ts)),
    [false, false, false, true, true],
  );
  // A second resume counts from the newest line only.
  assert.equal(c.sinceTime(), '2024-05-01T10:00:02Z');
  c.begin();
  assert.deepEqual(
    ['2024-05-01T10:00:02Z', '2024-05-01T10:00:02Z', '2024-05-01T10:00:03Z'].map((ts) => c.accept(ts)),
    [false, true, true],
  );
});
