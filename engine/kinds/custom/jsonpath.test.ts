import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileJsonPath, JsonPathError, resultText } from './jsonpath';

const obj = {
  metadata: { name: 'x', annotations: { 'a.b/c': 'dotted' } },
  spec: { replicas: 3, items: [{ name: 'one' }, { name: 'two' }] },
  status: {
    conditions: [
      { type: 'Ready', status: 'True' },
      { type: 'Synced', status: 'False' },
    ],
  },
};

test('fields, indexes, wildcards, quoted keys and filters', () => {
  assert.deepEqual(compileJsonPath('.spec.replicas')(obj), [3]);
  assert.deepEqual(compileJsonPath('{.spec.items[1].name}')(obj), ['two']);
  assert.deepEqual(compileJsonPath('.spec.items[-1].name')(obj), ['two']);
  assert.deepEqual(compileJsonPath('.spec.items[*].name')(obj), ['one', 'two']);
  assert.deepEqual(compileJsonPath(".metadata.annotations['a.b/c']")(obj), ['dotted']);
  assert.deepEqual(compileJsonPath('.status.conditions[?(@.type=="Ready")].status')(obj), ['True']);
  assert.deepEqual(compileJsonPath('.status.conditions[?(@.type!="Ready")].type')(obj), ['Synced']);
  assert.deepEqual(compileJsonPath('.spec.missing.deeper')(obj), []);
});

test('unsupported or malformed paths are errors', () => {
  assert.throws(() => compileJsonPath('..spec'), JsonPathError);
  assert.throws(() => compileJsonPath('.spec[unclosed'), JsonPathError);
  assert.throws(() => compileJsonPath('spec'), JsonPathError);
});

test("results print like kubectl's JSONPath printer", () => {
  assert.equal(resultText('s'), 's');
  assert.equal(resultText(2.5), '2.5');
  assert.equal(resultText({ b: 1, a: [true] }), '{"a":[true],"b":1}');
});
