/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call -- each change edits its own corner of a plain test object */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemaRegistry } from '../../../kinds/schema/schema';
import { fromSchemaNode } from './schema-adapters';
import { compare, compareBySets, type Comparison } from './compare';
import { toFieldsV1 } from './field-set';

const t = fromSchemaNode(createSchemaRegistry().node('V1Deployment'));
const shown = (c: Comparison) => ({ added: toFieldsV1(c.added), removed: toFieldsV1(c.removed), modified: toFieldsV1(c.modified) });

const base = {
  metadata: { name: 'd', labels: { a: '1' }, annotations: {} },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'd' } },
    template: {
      metadata: { labels: { app: 'd' } },
      spec: { containers: [{ name: 'c', image: 'x', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] }] },
    },
  },
  status: { replicas: 1, conditions: [{ type: 'Available', status: 'True' }] },
};

test('the shared-reference walk answers as whole field sets do', () => {
  const changes: ((d: any) => void)[] = [
    (d) => (d.spec.replicas = 2),
    (d) => delete d.metadata.labels,
    (d) => (d.metadata.labels.b = '2'),
    (d) => (d.metadata.annotations.x = 'y'),
    (d) => (d.spec.selector.matchLabels.app = 'e'),
    (d) => d.spec.template.spec.containers.push({ name: 'e', image: 'y' }),
    (d) => (d.spec.template.spec.containers[0].env = []),
    (d) => (d.spec.template.spec.containers[0].ports[0].protocol = 'UDP'),
    (d) => (d.status = null),
    (d) => (d.status.conditions[0].status = 'False'),
    (d) => (d.spec.template = {}),
  ];
  for (const change of changes) {
    const after = structuredClone(base);
    change(after);
    assert.deepEqual(shown(compare(t, base, after)), shown(compareBySets(t, base, after)), change.toString());
    assert.deepEqual(shown(compare(t, after, base)), shown(compareBySets(t, after, base)), `reverse ${change.toString()}`);
  }
  assert.deepEqual(shown(compare(t, {}, base)), shown(compareBySets(t, {}, base)));
  assert.deepEqual(shown(compare(t, undefined, base)), shown(compareBySets(t, {}, base)));
  assert.deepEqual(shown(compare(t, base, {})), shown(compareBySets(t, base, {})));
  assert.deepEqual(shown(compare(t, {}, {})), shown(compareBySets(t, {}, {})));
});

test('a change names the leaf it touched; what both share by reference is not walked', () => {
  const after = { ...base, status: { ...base.status, replicas: 2 } };
  assert.deepEqual(shown(compare(t, base, after)), { added: {}, removed: {}, modified: { 'f:status': { 'f:replicas': {} } } });
});
