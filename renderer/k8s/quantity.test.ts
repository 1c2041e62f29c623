import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatCpu, parseQuantity } from './quantity';

test('quantities parse with binary and decimal suffixes', () => {
  assert.equal(parseQuantity('250m'), 0.25);
  assert.equal(parseQuantity('2'), 2);
  assert.equal(parseQuantity('512Mi'), 512 * 2 ** 20);
  assert.equal(parseQuantity('1.5G'), 1.5e9);
  assert.ok(Math.abs(parseQuantity('123456789n') - 0.123456789) < 1e-12);
  assert.ok(Number.isNaN(parseQuantity('abc')));
  assert.ok(Number.isNaN(parseQuantity(undefined)));
});

test('formatting', () => {
  assert.equal(formatCpu(0.25), '250m');
  assert.equal(formatCpu(4), '4');
  assert.equal(formatBytes(512 * 2 ** 20), '512Mi');
  assert.equal(formatBytes(1.5 * 2 ** 30), '1.5Gi');
});
