import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceChoices } from './namespace-choices';

test('namespaces from the cluster, with "All namespaces"', () => {
  assert.deepEqual(namespaceChoices('', ['a', 'b'], false, undefined), { from: 'cluster', names: ['a', 'b'], all: true });
  // Forbidden, but the host's answer is not in yet: nothing changes yet.
  assert.deepEqual(namespaceChoices('', [], true, undefined), { from: 'cluster', names: [], all: true });
});

test("listing forbidden: the allow-list only, starting in the context's namespace", () => {
  const allowed = { profile: 'p', namespaces: ['team-a', 'team-b'], from: 'allow-list' as const, defaultNamespace: 'team-a' };
  assert.deepEqual(namespaceChoices('', [], true, allowed), {
    from: 'allow-list',
    names: ['team-a', 'team-b'],
    all: false,
    switchTo: 'team-a',
  });
  assert.deepEqual(namespaceChoices('team-b', [], true, allowed), { from: 'allow-list', names: ['team-a', 'team-b'], all: false });
  assert.deepEqual(namespaceChoices('', [], true, { ...allowed, namespaces: [] }).names, ['team-a']);
});
