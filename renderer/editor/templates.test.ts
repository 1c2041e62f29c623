import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { defaultTemplate, templateFor, templateKinds } from './templates';

test('every template is one valid object of its kind in the namespace', () => {
  for (const kind of templateKinds) {
    const obj = parse(templateFor(kind, { namespace: 'dev', image: 'skiff-test:1' }));
    assert.equal(obj.kind, kind);
    assert.ok(obj.metadata.name);
    if (kind !== 'Namespace') assert.equal(obj.metadata.namespace, 'dev');
  }
});

test('the Deployment template: default image, 2 replicas, app label, a ticking container', () => {
  const d = parse(templateFor('Deployment', { namespace: '', image: 'skiff-test:1' }));
  assert.equal(d.metadata.namespace, 'default');
  assert.equal(d.spec.replicas, 2);
  assert.deepEqual(d.spec.selector.matchLabels, { app: 'web' });
  assert.equal(d.metadata.labels.app, 'web');
  const c = d.spec.template.spec.containers[0];
  assert.equal(c.image, 'skiff-test:1');
  assert.match(c.command.join(' '), /while true; do echo tick \$i; .*sleep 1/);
  assert.equal(defaultTemplate('Pod'), 'Pod');
  assert.equal(defaultTemplate('Widget'), 'Deployment');
});
