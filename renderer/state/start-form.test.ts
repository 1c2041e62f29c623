import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateStart } from './start-form';

test('start form: DNS-label names, unique, 1..10 nodes', () => {
  assert.equal(validateStart('local', 1, []), '');
  assert.match(validateStart('Local', 1, []), /lowercase/);
  assert.match(validateStart('', 1, []), /lowercase/);
  assert.match(validateStart('local', 1, ['local']), /already exists/);
  assert.match(validateStart('a', 0, []), /1 to 10/);
  assert.match(validateStart('a', 1.5, []), /whole number/);
  assert.equal(validateStart('dev-2', 10, ['local']), '');
});
