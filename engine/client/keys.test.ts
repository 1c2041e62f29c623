import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyOf, splitKey } from './informer';

void test('splitKey undoes keyOf for namespaced and cluster-scoped objects', () => {
  assert.deepEqual(splitKey(keyOf({ metadata: { namespace: 'ns', name: 'a' } })), { ns: 'ns', name: 'a' });
  assert.deepEqual(splitKey(keyOf({ metadata: { name: 'node-1' } })), { ns: '', name: 'node-1' });
});
