import { test } from 'node:test';
import assert from 'node:assert/strict';
import { navSections } from '../k8s/resources';
import { targetOf, toYaml, withResourceVersion } from './manifest';

const resources = navSections.flatMap((s) => s.items);

test('targets come from discovery; namespace defaults; clear errors otherwise', () => {
  const t = targetOf({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }, resources, 'dev');
  assert.equal(t.resource.name, 'deployments');
  assert.equal(t.namespace, 'dev');
  assert.equal(targetOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', namespace: 'y' } }, resources, 'dev').namespace, '');
  assert.throws(
    () => targetOf({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, resources, ''),
    /does not serve kind Widget/,
  );
  assert.throws(() => targetOf({ kind: 'Pod' }, resources, ''), /apiVersion is missing/);
  assert.throws(() => targetOf({ apiVersion: 'v1', kind: 'Pod', metadata: {} }, resources, ''), /metadata.name/);
});

test('YAML drops managedFields; resourceVersion is set keeping comments', () => {
  const y = toYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', managedFields: [{}] as any } });
  assert.ok(!y.includes('managedFields'));
  const text = '# mine\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  resourceVersion: "1"\ndata:\n  k: v # keep\n';
  const out = withResourceVersion(text, '42');
  assert.match(out, /# mine/);
  assert.match(out, /# keep/);
  assert.match(out, /resourceVersion: "42"/);
  assert.equal(withResourceVersion('a: [', '1'), 'a: [', 'broken YAML is left alone');
});
