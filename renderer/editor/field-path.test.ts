import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { offsetOfPath, parseFieldPath } from './field-path';

test('paths as validation and server-side apply spell them', () => {
  assert.deepEqual(parseFieldPath('spec.containers[0].image'), ['spec', 'containers', 0, 'image']);
  assert.deepEqual(parseFieldPath('spec.containers[web].image'), ['spec', 'containers', 'web', 'image']);
  assert.deepEqual(parseFieldPath('.spec.containers[name="a.b]"].image'), ['spec', 'containers', { match: { name: 'a.b]' } }, 'image']);
  assert.deepEqual(parseFieldPath('.spec.ports[port=80,protocol="TCP"]'), ['spec', 'ports', { match: { port: 80, protocol: 'TCP' } }]);
  assert.deepEqual(parseFieldPath('.metadata.finalizers[="x.io/y"]'), ['metadata', 'finalizers', { match: {}, value: 'x.io/y' }]);
});

test('a set item is found by its value; a missing field falls back to its deepest parent', () => {
  const text = 'metadata:\n  finalizers:\n  - a\n  - x.io/y\nspec:\n  size: 1\n';
  const doc = parseDocument(text);
  assert.equal(offsetOfPath(doc, parseFieldPath('.metadata.finalizers[="x.io/y"]')), text.indexOf('x.io/y'));
  assert.equal(offsetOfPath(doc, parseFieldPath('spec.size.nope')), text.indexOf('size'));
  assert.equal(offsetOfPath(doc, parseFieldPath('status.phase')), -1);
});
