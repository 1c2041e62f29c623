import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, fromFieldsV1, pathString, toFieldsV1, canonicalJson } from './field-set';

describe('field sets', () => {
  test('fieldsV1 round-trips, with "." on members that have children', () => {
    const v1 = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
    };
    const set = fromFieldsV1(v1);
    assert.ok(set.has(['f:metadata', 'f:labels']));
    assert.ok(!set.has(['f:metadata']));
    assert.ok(set.has(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']));
    assert.deepEqual(toFieldsV1(set), v1);
  });

  test('malformed fieldsV1 is refused', () => {
    assert.throws(() => fromFieldsV1({ 'x:y': {} }), /unknown fieldsV1 path element/);
    assert.throws(() => fromFieldsV1({ 'f:a': 1 }), /must be an object/);
    assert.throws(() => fromFieldsV1({ 'k:{bad': {} }));
  });

  test('union, difference and intersection work member by member', () => {
    const a = new FieldSet();
    a.insert(['f:data', 'f:x']);
    a.insert(['f:data', 'f:y']);
    const b = new FieldSet();
    b.insert(['f:data', 'f:y']);
    b.insert(['f:data', 'f:z']);
    assert.deepEqual(a.difference(b).paths(), [['f:data', 'f:x']]);
    assert.deepEqual(a.intersection(b).paths(), [['f:data', 'f:y']]);
    assert.equal(a.union(b).paths().length, 3);
    assert.ok(a.difference(a).isEmpty());
  });

  test('paths print as upstream prints them in conflicts', () => {
    assert.equal(pathString(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']), '.spec.containers[name="web"].image');
    assert.equal(pathString(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}']), '.spec.ports[port=80,protocol="TCP"]');
    assert.equal(pathString(['f:metadata', 'f:finalizers', 'v:"a"']), '.metadata.finalizers[="a"]');
    assert.equal(pathString(['f:items', 'i:2']), '.items[2]');
  });

  test('canonical JSON sorts keys as Go does', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } }), '{"a":{"c":null,"d":[1,"x"]},"b":1}');
  });
});
