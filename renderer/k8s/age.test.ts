import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAge, formatDuration, parseDuration, tickAgo } from './age';

test('durations print like kubectl', () => {
  assert.equal(formatDuration(5_000), '5s');
  assert.equal(formatDuration(150_000), '2m30s');
  assert.equal(formatDuration(3 * 3600_000), '3h');
  assert.equal(formatDuration(3 * 3600_000 + 120_000), '3h2m');
  assert.equal(formatDuration(30 * 3600_000), '30h');
  assert.equal(formatDuration(3 * 86400_000), '3d');
  assert.equal(formatDuration(800 * 86400_000), '2y');
});

test('ages from timestamps; bad or missing input gives empty', () => {
  const now = Date.parse('2024-01-01T00:10:00Z');
  assert.equal(formatAge('2024-01-01T00:00:00Z', now), '10m');
  assert.equal(formatAge(undefined, now), '');
  assert.equal(formatAge('nonsense', now), '');
});

void test('server "ago" cells tick from when they arrived', () => {
  assert.equal(parseDuration('4m2s'), 242_000);
  assert.ok(Number.isNaN(parseDuration('soon')));
  assert.equal(tickAgo('1 (4m2s ago)', 3000), '1 (4m5s ago)');
  assert.equal(tickAgo('1 (5s ago)', 500), '1 (5s ago)');
  assert.equal(tickAgo('0', 10_000), '0');
});
