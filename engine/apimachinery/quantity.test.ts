import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity } from './quantity';

void test('every upstream suffix, exactly', () => {
  assert.equal(parseQuantity('64Mi'), 64 * 1024 * 1024);
  assert.equal(parseQuantity('500m'), 0.5);
  assert.equal(parseQuantity('2'), 2);
  assert.equal(parseQuantity('1.1G'), 1_100_000_000);
  assert.equal(parseQuantity('0.1m'), 0.0001);
  assert.equal(parseQuantity('123456789n'), 0.123456789);
  assert.equal(parseQuantity('250u'), 0.00025);
  assert.equal(parseQuantity('3k'), 3000);
  assert.equal(parseQuantity('2M'), 2e6);
  assert.equal(parseQuantity('4T'), 4e12);
  assert.equal(parseQuantity('2P'), 2e15);
  assert.equal(parseQuantity('1E'), 1e18);
  assert.equal(parseQuantity('1.5Gi'), 1.5 * 2 ** 30);
  assert.equal(parseQuantity('1Ti'), 2 ** 40);
  assert.equal(parseQuantity('1Pi'), 2 ** 50);
  assert.equal(parseQuantity('1Ei'), 2 ** 60);
  assert.equal(parseQuantity('12e3'), 12000);
  assert.equal(parseQuantity('5E-3'), 0.005);
  assert.equal(parseQuantity('.5'), 0.5);
  assert.equal(parseQuantity(3), 3);
});

void test('unknown suffixes and malformed numbers are invalid (null), never ×1', () => {
  for (const bad of ['1x', '1KB', '1mi', '1Kii', '1.2.3', '.', 'abc', '', '1 Gi']) assert.equal(parseQuantity(bad), null, bad);
  assert.equal(parseQuantity(undefined), null);
  assert.equal(parseQuantity(Infinity), null);
});
