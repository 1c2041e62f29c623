import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from './merge-patch';

describe('applyMergePatch (RFC 7386)', () => {
  // The RFC's own table of examples.
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, expected] of cases) {
    test(`${JSON.stringify(target)} + ${JSON.stringify(patch)}`, () => {
      assert.deepEqual(applyMergePatch(target, patch), expected);
    });
  }

  test('inputs are not modified and the result shares nothing with them', () => {
    const target = { metadata: { labels: { a: '1' } }, spec: { x: { y: 1 } } };
    const patch = { metadata: { labels: { b: '2' } }, spec: { z: { w: [1] } } };
    const before = structuredClone(target);
    const out = applyMergePatch(target, patch) as any;
    assert.deepEqual(target, before);
    assert.deepEqual(out.metadata.labels, { a: '1', b: '2' });
    out.spec.x.y = 2;
    out.spec.z.w.push(2);
    assert.equal(target.spec.x.y, 1);
    assert.deepEqual(patch.spec.z.w, [1]);
  });

  test('a "__proto__" key in the patch cannot reach Object.prototype', () => {
    const out = applyMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as any;
    assert.equal(({} as any).polluted, undefined);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { polluted: true });
  });
});
