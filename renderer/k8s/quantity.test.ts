import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatCpu } from './quantity';
import { parseQuantity } from '../../engine/apimachinery/quantity';

test('quantities parse with binary and decimal suffixes', () => {
  assert.equal(parseQuantity('250m'), 0.25);
  assert.equal(parseQuantity('2'), 2);
  assert.equal(parseQuantity('512Mi'), 512 * 2 ** 20);
  assert.equal(parseQuantity('1.5G'), 1.5e9);
  assert.equal(parseQuantity('123456789n'), 0.123456789);
  // Invalid is null (the renderer's copy said NaN); the meters treat it as unknown.
  assert.equal(parseQuantity('abc'), null);
  assert.equal(parseQuantity(undefined), null);
});

test('formatting', () => {
  assert.equal(formatCpu(0.25), '250m');
  assert.equal(formatCpu(4), '4');
  assert.equal(formatBytes(512 * 2 ** 20), '512Mi');
  assert.equal(formatBytes(1.5 * 2 ** 30), '1.5Gi');
});
