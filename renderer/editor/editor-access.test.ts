import { test } from 'node:test';
import assert from 'node:assert/strict';
import { navSections } from '../k8s/resources';
import { createTarget, editorAccessQueries } from './editor-access';

const resources = navSections.flatMap((s) => s.items);
const deployments = resources.find((r) => r.name === 'deployments')!;

test('an existing object needs update for Apply and patch for server-side apply, on that object', () => {
  const q = editorAccessQueries('edit', { resource: deployments, namespace: 'team', name: 'web' });
  assert.deepEqual(
    q.map((x) => `${x.verb} ${x.group}/${x.resource} ${x.namespace}/${x.name}`),
    ['update apps/deployments team/web', 'patch apps/deployments team/web'],
  );
  assert.deepEqual(editorAccessQueries('edit', undefined), []);
});

test("a new object needs create in the namespace its text names (or the editor's default)", () => {
  const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: team\n';
  const t = createTarget(text, resources, 'default');
  assert.equal(t?.resource.name, 'deployments');
  assert.equal(t?.namespace, 'team');
  const q = editorAccessQueries('create', t);
  assert.deepEqual(
    q.map((x) => `${x.verb} ${x.resource} ${x.namespace} ${x.name ?? '-'}`),
    ['create deployments team -', 'create deployments team -'],
  );
  assert.equal(createTarget('kind: Pod\nmetadata: {name: p}\n', resources, 'default')?.namespace, undefined, 'no apiVersion: no target');
  assert.equal(createTarget('a: [', resources, 'default'), undefined, 'YAML error: no target');
  assert.equal(createTarget('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n', resources, 'dev')?.namespace, 'dev');
});
