import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, timestampSince, durationBetween } from './human-duration';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('humanDuration follows the Kubernetes cut-offs', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [-1 * s, '0s'],
    [-1500, '0s'],
    [-2 * s, '<invalid>'],
    [1 * s, '1s'],
    [90 * s, '90s'],
    [119 * s + 999, '119s'],
    [2 * m, '2m'],
    [2 * m + 1 * s, '2m1s'],
    [5 * m + 30 * s, '5m30s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [2 * h + 5 * m, '125m'],
    [3 * h + 1 * m, '3h1m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h + 59 * m, '47h'],
    [48 * h, '2d'],
    [49 * h, '2d1h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d + 5 * h, '8d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [731 * d, '2y1d'],
    [8 * 365 * d + 40 * d, '8y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `humanDuration(${ms})`);
});

test('timestampSince handles unset and real timestamps', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  assert.equal(timestampSince(undefined, now), '<unknown>');
  assert.equal(timestampSince('2024-05-01T11:55:00Z', now), '5m');
  assert.equal(timestampSince('2024-05-01T11:59:59.500Z', now), '0s');
  assert.equal(durationBetween('2024-05-01T11:00:00Z', '2024-05-01T11:00:42Z'), '42s');
});
