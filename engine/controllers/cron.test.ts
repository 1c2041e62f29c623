import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatInZone, parseCron } from './cron';

const iso = (d: Date | undefined) => d?.toISOString().replace('.000Z', 'Z');
const nexts = (spec: string, from: string, n: number, tz = 'UTC') => {
  const s = parseCron(spec, tz);
  const out: string[] = [];
  let t = new Date(from);
  for (let i = 0; i < n; i++) {
    t = s.next(t)!;
    out.push(iso(t)!);
  }
  return out;
};

test('every minute and steps', () => {
  assert.deepEqual(nexts('* * * * *', '2026-01-01T00:00:30Z', 2), ['2026-01-01T00:01:00Z', '2026-01-01T00:02:00Z']);
  assert.deepEqual(nexts('*/15 * * * *', '2026-01-01T00:00:00Z', 3), [
    '2026-01-01T00:15:00Z',
    '2026-01-01T00:30:00Z',
    '2026-01-01T00:45:00Z',
  ]);
  assert.deepEqual(nexts('5/20 1-2 * * *', '2026-01-01T00:00:00Z', 4), [
    '2026-01-01T01:05:00Z',
    '2026-01-01T01:25:00Z',
    '2026-01-01T01:45:00Z',
    '2026-01-01T02:05:00Z',
  ]);
});

test('names, lists, descriptors and the day-of-month/day-of-week OR rule', () => {
  // 2026-01-01 is a Thursday.
  assert.deepEqual(nexts('30 9 * * mon-fri', '2026-01-02T10:00:00Z', 2), ['2026-01-05T09:30:00Z', '2026-01-06T09:30:00Z']);
  assert.deepEqual(nexts('0 0 1 feb,jun *', '2026-01-01T00:00:00Z', 2), ['2026-02-01T00:00:00Z', '2026-06-01T00:00:00Z']);
  assert.deepEqual(nexts('@hourly', '2026-01-01T00:59:59Z', 1), ['2026-01-01T01:00:00Z']);
  assert.deepEqual(nexts('@yearly', '2026-03-01T00:00:00Z', 1), ['2027-01-01T00:00:00Z']);
  // Both day fields restricted: the 13th OR any Friday.
  assert.deepEqual(nexts('0 0 13 * fri', '2026-01-01T00:00:00Z', 3), [
    '2026-01-02T00:00:00Z',
    '2026-01-09T00:00:00Z',
    '2026-01-13T00:00:00Z',
  ]);
  assert.equal(parseCron('0 0 30 2 *', 'UTC').next(new Date('2026-01-01T00:00:00Z')), undefined);
});

test('time zones: wall-clock times, across a DST change', () => {
  // 09:00 in New York is 14:00Z in winter and 13:00Z in summer (DST starts 2026-03-08).
  assert.deepEqual(nexts('0 9 * * *', '2026-03-06T00:00:00Z', 3, 'America/New_York'), [
    '2026-03-06T14:00:00Z',
    '2026-03-07T14:00:00Z',
    '2026-03-08T13:00:00Z',
  ]);
  // 02:30 does not exist on 2026-03-08 in New York: that day is skipped.
  assert.deepEqual(nexts('30 2 * * *', '2026-03-07T12:00:00Z', 1, 'America/New_York'), ['2026-03-09T06:30:00Z']);
  assert.equal(formatInZone(new Date('2026-03-06T14:00:00Z'), 'America/New_York'), '2026-03-06T09:00:00-05:00');
  assert.equal(formatInZone(new Date('2026-03-06T14:00:00Z'), 'UTC'), '2026-03-06T14:00:00Z');
  assert.throws(() => parseCron('* * * * *', 'Mars/Olympus'));
});

test('@every', () => {
  assert.equal(iso(parseCron('@every 1h30m').next(new Date('2026-01-01T00:00:00Z'))), '2026-01-01T01:30:00Z');
});
