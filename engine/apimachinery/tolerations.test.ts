import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toleratedBy, tolerationMatches } from './tolerations';
import type { Taint, Toleration } from './workload-types';

const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

const cases: [string, Toleration, Taint, boolean][] = [
  ['Exists with an empty key and no effect tolerates every taint', { operator: 'Exists' }, taint, true],
  ['Exists with an empty key tolerates a taint of another key', { operator: 'Exists', effect: 'NoSchedule' }, { ...taint, key: 'x' }, true],
  ['Exists with the key tolerates any value', { key: 'dedicated', operator: 'Exists' }, { ...taint, value: 'other' }, true],
  ['Exists with another key does not', { key: 'other', operator: 'Exists' }, taint, false],
  ['Equal with key and value tolerates', { key: 'dedicated', operator: 'Equal', value: 'gpu' }, taint, true],
  ['Equal with another value does not', { key: 'dedicated', operator: 'Equal', value: 'cpu' }, taint, false],
  ['no operator means Equal', { key: 'dedicated', value: 'gpu' }, taint, true],
  ['no operator compares values too', { key: 'dedicated', value: 'cpu' }, taint, false],
  ['Equal without a value matches a taint without a value', { key: 'k', operator: 'Equal' }, { key: 'k', effect: 'NoExecute' }, true],
  ['Equal without a value does not match a taint with one', { key: 'dedicated', operator: 'Equal' }, taint, false],
  ['an empty effect matches every effect', { key: 'dedicated', operator: 'Exists' }, { ...taint, effect: 'NoExecute' }, true],
  ['the same effect matches', { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, taint, true],
  ['another effect does not', { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, taint, false],
  ['Exists with an empty key still checks the effect', { operator: 'Exists', effect: 'NoExecute' }, taint, false],
  ['Equal with a different key does not', { key: 'other', value: 'gpu' }, taint, false],
];
for (const [name, tol, t, want] of cases) {
  test(`tolerationMatches: ${name}`, () => assert.equal(tolerationMatches(tol, t), want));
}

test('toleratedBy: any one toleration is enough; none is none', () => {
  assert.equal(toleratedBy([], taint), false);
  assert.equal(toleratedBy([{ key: 'other', operator: 'Exists' }], taint), false);
  assert.equal(
    toleratedBy(
      [
        { key: 'other', operator: 'Exists' },
        { key: 'dedicated', value: 'gpu' },
      ],
      taint,
    ),
    true,
  );
});
