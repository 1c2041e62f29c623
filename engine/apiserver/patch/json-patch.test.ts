import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS, parseJsonPointer } from './json-patch';
import { GENERIC_INVALID_MESSAGE, PatchError } from './errors';

function patchError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PatchError, `expected PatchError, got ${err}`);
    return err;
  }
  assert.fail('expected a PatchError');
}

describe('parseJsonPointer', () => {
  test('unescapes ~1 before ~0', () => {
    assert.deepEqual(parseJsonPointer('/a~1b/c~0d/~01'), ['a/b', 'c~d', '~1']);
    assert.deepEqual(parseJsonPointer(''), []);
    assert.deepEqual(parseJsonPointer('/'), ['']);
    assert.equal(parseJsonPointer('a/b'), undefined);
  });
});

describe('applyJsonPatch', () => {
  const doc = () => ({ metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'web' } }, spec: { list: [1, 2, 3] } });

  test('add sets keys, inserts at an index and appends with -', () => {
    const out = applyJsonPatch(doc(), [
      { op: 'add', path: '/metadata/labels/tier', value: 'fe' },
      { op: 'add', path: '/spec/list/1', value: 9 },
      { op: 'add', path: '/spec/list/-', value: 10 },
      { op: 'add', path: '/spec/list/5', value: 11 },
    ]) as any;
    assert.equal(out.metadata.labels.tier, 'fe');
    assert.deepEqual(out.spec.list, [1, 9, 2, 3, 10, 11]);
  });

  test('escaped keys address keys containing / and ~', () => {
    const out = applyJsonPatch({ a: { 'x/y': 1, 'm~n': 2 } }, [
      { op: 'replace', path: '/a/x~1y', value: 5 },
      { op: 'remove', path: '/a/m~0n' },
    ]);
    assert.deepEqual(out, { a: { 'x/y': 5 } });
  });

  test('remove, replace, move and copy', () => {
    const out = applyJsonPatch(doc(), [
      { op: 'remove', path: '/spec/list/0' },
      { op: 'replace', path: '/metadata/name', value: 'y' },
      { op: 'move', from: '/metadata/labels', path: '/spec/labels' },
      { op: 'copy', from: '/spec/list', path: '/spec/copy' },
    ]) as any;
    assert.deepEqual(out, {
      metadata: { name: 'y' },
      spec: { list: [2, 3], labels: { 'app.kubernetes.io/name': 'web' }, copy: [2, 3] },
    });
    out.spec.copy.push(4);
    assert.deepEqual(out.spec.list, [2, 3], 'copy must not alias its source');
  });

  test('move within an array reorders', () => {
    assert.deepEqual(applyJsonPatch({ l: ['a', 'b', 'c'] }, [{ op: 'move', from: '/l/0', path: '/l/2' }]), { l: ['b', 'c', 'a'] });
  });

  test('an empty path replaces the whole document', () => {
    assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }]), { b: 2 });
    assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '', value: [1] }]), [1]);
  });

  test('test compares structurally and a passing test lets later ops run', () => {
    const out = applyJsonPatch({ a: { x: 1, y: [1, { z: null }] } }, [
      { op: 'test', path: '/a', value: { y: [1, { z: null }], x: 1 } },
      { op: 'test', path: '/missing', value: null },
      { op: 'add', path: '/b', value: true },
    ]);
    assert.deepEqual(out, { a: { x: 1, y: [1, { z: null }] }, b: true });
  });

  test('a failed test is a 422 with the generic status message', () => {
    const err = patchError(() => applyJsonPatch({ x: 1 }, [{ op: 'test', path: '/x', value: 2 }]));
    assert.equal(err.message, 'testing value /x failed: test failed');
    assert.equal(err.code, 422);
    assert.equal(err.reason, 'Invalid');
    assert.equal(err.statusMessage, GENERIC_INVALID_MESSAGE);
  });

  test('errors name the operation and the path as upstream does', () => {
    const cases: [unknown[], string][] = [
      [[{ op: 'replace', path: '/spec/foo', value: 1 }], 'replace operation does not apply: doc is missing key: /spec/foo: missing value'],
      [[{ op: 'replace', path: '/nope/foo', value: 1 }], 'replace operation does not apply: doc is missing path: /nope/foo: missing value'],
      [[{ op: 'add', path: '/nope/foo', value: 1 }], 'add operation does not apply: doc is missing path: "/nope/foo": missing value'],
      [
        [{ op: 'remove', path: '/spec/foo' }],
        "error in remove for path: '/spec/foo': Unable to remove nonexistent key: foo: missing value",
      ],
      [[{ op: 'add', path: '/spec/list/7', value: 1 }], 'Unable to access invalid index: 7: invalid index referenced'],
      [[{ op: 'move', from: '/a', path: '/b' }], 'move operation does not apply: doc is missing from path: /a: missing value'],
      [
        [{ op: 'copy', from: '/spec', path: '/x/y' }],
        'copy operation does not apply: doc is missing destination path: /x/y: missing value',
      ],
      [[{ op: 'frobnicate', path: '/spec' }], 'Unexpected kind: frobnicate'],
    ];
    for (const [ops, message] of cases) {
      const err = patchError(() => applyJsonPatch({ spec: { list: [1] } }, ops));
      assert.equal(err.message, message);
      assert.equal(err.code, 422);
    }
  });

  test('array indexes must be canonical non-negative integers', () => {
    for (const path of ['/l/01', '/l/-1', '/l/x']) {
      assert.throws(() => applyJsonPatch({ l: [1, 2] }, [{ op: 'replace', path, value: 0 }]), PatchError);
    }
  });

  test('moving a value into its own child fails', () => {
    assert.throws(() => applyJsonPatch({ a: { b: {} } }, [{ op: 'move', from: '/a', path: '/a/b/c' }]), PatchError);
  });

  test('a malformed patch document is a 400', () => {
    const err = patchError(() => applyJsonPatch({}, { op: 'add' }));
    assert.equal(err.code, 400);
    assert.equal(err.message, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    assert.equal(patchError(() => applyJsonPatch({}, ['add'])).code, 400);
    assert.equal(patchError(() => applyJsonPatch({}, [{ op: 'add', path: '/a' }])).code, 422);
    assert.equal(patchError(() => applyJsonPatch({}, [{ op: 'add', value: 1 }])).code, 422);
  });

  test('more operations than upstream allows is a 413', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '', value: {} }));
    const err = patchError(() => applyJsonPatch({}, ops));
    assert.equal(err.code, 413);
    assert.equal(err.reason, 'RequestEntityTooLarge');
  });

  test('neither the document nor the patch is modified', () => {
    const original = doc();
    const before = structuredClone(original);
    const value = { nested: [1] };
    const ops = [
      { op: 'add', path: '/spec/v', value },
      { op: 'add', path: '/spec/v/nested/-', value: 2 },
      { op: 'remove', path: '/metadata/labels' },
    ];
    const out = applyJsonPatch(original, ops) as any;
    assert.deepEqual(original, before);
    assert.deepEqual(value, { nested: [1] });
    assert.deepEqual(out.spec.v, { nested: [1, 2] });
  });

  test('a "__proto__" key is stored as data, not as a prototype', () => {
    const out = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as any;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ['__proto__']);
    assert.equal(({} as any).polluted, undefined);
  });
});
