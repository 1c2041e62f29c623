import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listFreeShape } from './list-free-shape';

test('listFreeShape: keys and leaf types, not values; undefined for lists and undefined values', () => {
  const a = listFreeShape({ metadata: { name: 'a', n: 1 }, ok: true, none: null, m: {} });
  assert.ok(a);
  assert.equal(listFreeShape({ metadata: { name: 'b', n: 2 }, ok: false, none: null, m: {} }), a);
  assert.notEqual(listFreeShape({ metadata: { name: 'a', n: '1' }, ok: true, none: null, m: {} }), a, 'a leaf of another type');
  assert.notEqual(listFreeShape({ metadata: { name: 'a', n: 1 }, ok: true, none: 'x', m: {} }), a, 'null is its own type');
  assert.notEqual(listFreeShape({ metadata: { name: 'a', n: 1 }, ok: true, none: null, m: { k: 'v' } }), a, 'a map key');
  assert.notEqual(listFreeShape({ metadata: { n: 1, name: 'a' }, ok: true, none: null, m: {} }), a, 'key order');
  // Keys that would run together unquoted stay apart.
  assert.notEqual(listFreeShape({ 'a:s': 'x' }), listFreeShape({ a: 's' }));
  assert.equal(listFreeShape({ spec: { containers: [] } }), undefined);
  assert.equal(listFreeShape({ spec: { x: undefined } }), undefined);
});
