import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crdResource, fieldRows, schemaAt, type SchemaNode } from './crd-schema';
import type { KubeObject } from './types';

const schema: SchemaNode = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      description: 'What the user wants.',
      properties: {
        size: { type: 'integer', description: 'How many.' },
        ports: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer', description: 'The port.' } } } },
        labels: { type: 'object', additionalProperties: { type: 'string', description: 'A label value.' } },
      },
    },
  },
};

const crd = (versions: unknown[], scope = 'Namespaced'): KubeObject => ({
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: { group: 'example.com', scope, names: { plural: 'widgets', kind: 'Widget', shortNames: ['wd'] }, versions } as never,
});

test('schemaAt follows properties, list items and map values; unknown fields have none', () => {
  assert.equal(schemaAt(schema, ['spec', 'size'])?.description, 'How many.');
  assert.equal(schemaAt(schema, ['spec', 'ports', 0, 'port'])?.description, 'The port.');
  assert.equal(schemaAt(schema, ['spec', 'labels', 'anything'])?.description, 'A label value.');
  assert.equal(schemaAt(schema, ['spec', 'nope']), undefined);
  assert.equal(schemaAt(undefined, ['spec']), undefined);
});

test('fieldRows lists every field in order with its path, depth and description', () => {
  const { rows, more } = fieldRows(
    { size: 3, ports: [{ port: 80 }], labels: { a: 'b' }, extra: null, empty: '' },
    schemaAt(schema, ['spec']),
    'spec',
  );
  assert.equal(more, 0);
  assert.deepEqual(
    rows.map((r) => [r.path, r.depth, r.value ?? r.summary, r.description]),
    [
      ['spec', 0, '{5}', 'What the user wants.'],
      ['spec.size', 1, '3', 'How many.'],
      ['spec.ports', 1, '[1]', undefined],
      ['spec.ports[0]', 2, '{1}', undefined],
      ['spec.ports[0].port', 3, '80', 'The port.'],
      ['spec.labels', 1, '{1}', undefined],
      ['spec.labels.a', 2, 'b', 'A label value.'],
      ['spec.extra', 1, 'null', undefined],
      ['spec.empty', 1, '""', undefined],
    ],
  );
});

test('fieldRows stops at its limit and counts what it left out', () => {
  const { rows, more } = fieldRows({ a: 1, b: 2, c: 3 }, undefined, 'spec', 2);
  assert.equal(rows.length, 2);
  assert.equal(more, 2);
});

test("a CRD's resource: discovery's entry first, else its storage version and scope", () => {
  const c = crd([
    { name: 'v1beta1', served: true, storage: false },
    { name: 'v1', served: true, storage: true },
  ]);
  assert.deepEqual(crdResource(c, []), {
    group: 'example.com',
    version: 'v1',
    name: 'widgets',
    kind: 'Widget',
    namespaced: true,
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
    shortNames: ['wd'],
  });
  const discovered = {
    group: 'example.com',
    version: 'v1beta1',
    name: 'widgets',
    kind: 'Widget',
    namespaced: true,
    verbs: [],
    shortNames: [],
  };
  assert.equal(crdResource(c, [discovered]), discovered);
  assert.equal(crdResource(crd([{ name: 'v1', served: false, storage: true }]), []), undefined);
  assert.equal(crdResource(crd([{ name: 'v1', served: true, storage: true }], 'Cluster'), [])?.namespaced, false);
});
