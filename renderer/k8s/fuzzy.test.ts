import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzyFilter, fuzzyScore } from './fuzzy';

test('in-order characters match; prefixes and contiguous runs rank first', () => {
  assert.equal(fuzzyScore('xyz', 'deployments'), -1);
  assert.ok(fuzzyScore('dep', 'deployments') > fuzzyScore('dep', 'daemonset-pods'));
  const kinds = ['Pod', 'PodDisruptionBudget', 'Deployment', 'PersistentVolume', 'ReplicaSet'];
  assert.deepEqual(fuzzyFilter(kinds, 'pod', (k) => k).slice(0, 2), ['Pod', 'PodDisruptionBudget']);
  assert.deepEqual(
    fuzzyFilter(kinds, 'pv', (k) => k),
    ['PersistentVolume'],
  );
  assert.equal(fuzzyFilter(kinds, '', (k) => k).length, 5);
});
