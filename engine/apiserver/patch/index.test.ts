import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemaNode } from '../../kinds/schema/schema-types';
import { applyPatch, PatchError, patchMediaType, UnsupportedPatchError } from './index';

const schema: SchemaNode = {
  type: 'object',
  model: 'Thing',
  fields: {
    items: {
      node: () => ({ type: 'array', items: { type: 'object', model: 'Item', fields: {} } }),
      patchStrategy: 'merge',
      patchMergeKey: 'name',
    },
  },
};
const original = { items: [{ name: 'a', v: 1 }], labels: { x: '1' } };

describe('applyPatch', () => {
  test('dispatches on the media type, ignoring parameters and case', () => {
    assert.equal(patchMediaType('Application/Merge-Patch+JSON; charset=utf-8'), 'application/merge-patch+json');
    const json = applyPatch('application/json-patch+json', original, [{ op: 'replace', path: '/labels/x', value: '2' }]);
    assert.deepEqual(json.labels, { x: '2' });
    const merge = applyPatch('application/merge-patch+json; charset=utf-8', original, { items: [{ name: 'b' }] }, schema);
    assert.deepEqual(merge.items, [{ name: 'b' }], 'merge patch replaces lists even with a schema');
    const smp = applyPatch('application/strategic-merge-patch+json', original, { items: [{ name: 'a', v: 2 }, { name: 'b' }] }, schema);
    assert.deepEqual(smp.items, [{ name: 'a', v: 2 }, { name: 'b' }], 'strategic merge merges by key');
  });

  test("leaves the original alone unless it is the caller's own copy, which is patched in place", () => {
    const patches: [string, unknown][] = [
      ['application/json-patch+json', [{ op: 'replace', path: '/labels/x', value: '2' }]],
      ['application/merge-patch+json', { labels: { x: '2' } }],
      ['application/strategic-merge-patch+json', { labels: { x: '2' } }],
    ];
    for (const [type, patch] of patches) {
      const shared = structuredClone(original);
      const copied = applyPatch(type, shared, patch, schema) as typeof original;
      assert.deepEqual(shared, original, `${type}: a shared original is not changed`);
      assert.notEqual(copied.items, shared.items, `${type}: the result shares nothing with it`);
      const own = structuredClone(original);
      const patched = applyPatch(type, own, patch, schema, true) as typeof original;
      assert.equal(patched, own, `${type}: an owned original is the result, not copied again`);
      assert.deepEqual(patched, { ...original, labels: { x: '2' } });
    }
  });

  test('accepts the raw body as a string or bytes', () => {
    const out = applyPatch('application/merge-patch+json', original, Buffer.from('{"labels":{"y":"2"}}'));
    assert.deepEqual(out.labels, { x: '1', y: '2' });
    const out2 = applyPatch('application/json-patch+json', original, '[{"op":"remove","path":"/labels"}]');
    assert.equal(out2.labels, undefined);
  });

  test('bad JSON and non-object merge patches are 400s', () => {
    for (const [type, body] of [
      ['application/merge-patch+json', '{nope'],
      ['application/merge-patch+json', [1]],
      ['application/merge-patch+json', null],
      ['application/strategic-merge-patch+json', 'true'],
    ] as const) {
      assert.throws(
        () => applyPatch(type, original, body),
        (err: unknown) => err instanceof PatchError && err.code === 400,
        `${type} ${JSON.stringify(body)}`,
      );
    }
  });

  test('server-side apply and unknown types are 415 UnsupportedPatchError', () => {
    for (const type of ['application/apply-patch+yaml', 'application/json', 'text/plain']) {
      assert.throws(
        () => applyPatch(type, original, {}),
        (err: unknown) =>
          err instanceof UnsupportedPatchError &&
          err instanceof PatchError &&
          err.code === 415 &&
          err.reason === 'UnsupportedMediaType' &&
          err.message ===
            'the body of the request was in an unknown format - accepted media types include: ' +
              'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
      );
    }
  });
});
