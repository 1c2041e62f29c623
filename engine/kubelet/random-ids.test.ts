import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomId } from './random-ids';

test('IDs are 64 hex digits, and none repeats across refills of the pool', () => {
  const ids = Array.from({ length: 1000 }, randomId);
  for (const id of ids) assert.match(id, /^[0-9a-f]{64}$/);
  assert.equal(new Set(ids).size, ids.length);
});
