import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemaRegistry } from '../../../kinds/schema/schema';
import { fromCustomSchema, fromSchemaNode } from './schema-adapters';
import { toFieldSet } from './field-walk';
import { toFieldsV1 } from './field-set';
import { SCALAR } from './apply-type';

describe('apply types from schemas', () => {
  test('built-in lists follow their strategic-merge metadata; label selectors are atomic', () => {
    const schemas = createSchemaRegistry();
    const t = fromSchemaNode(schemas.node('V1Deployment'));
    const set = toFieldSet(t, {
      metadata: { finalizers: ['a'] },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { spec: { containers: [{ name: 'web', env: [{ name: 'A', value: '1' }], args: ['x'] }], tolerations: [{ key: 'k' }] } },
      },
    });
    assert.deepEqual(toFieldsV1(set), {
      'f:metadata': { 'f:finalizers': { 'v:"a"': {} } },
      'f:spec': {
        'f:selector': {},
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"web"}': {
                '.': {},
                'f:args': {},
                'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
                'f:name': {},
              },
            },
            'f:tolerations': {},
          },
        },
      },
    });
  });

  test('ports are keyed by number and protocol, TCP when left out (DNS on 53 twice is two items)', () => {
    const t = fromSchemaNode(createSchemaRegistry().node('V1Container'));
    const set = toFieldSet(t, { name: 'dns', ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53 }] });
    assert.deepEqual(Object.keys(toFieldsV1(set)['f:ports'] as object), [
      'k:{"containerPort":53,"protocol":"TCP"}',
      'k:{"containerPort":53,"protocol":"UDP"}',
    ]);
  });

  test('CRD schemas: list-type map/set/atomic (the default), map-type atomic, preserve-unknown-fields', () => {
    const t = fromCustomSchema(
      {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: {
              ports: {
                type: 'array',
                'x-kubernetes-list-type': 'map',
                'x-kubernetes-list-map-keys': ['port', 'protocol'],
                items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string' } } },
              },
              tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
              args: { type: 'array', items: { type: 'string' } },
              ref: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { name: { type: 'string' } } } as never,
              extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
      { kind: 'struct', field: (n) => (n === 'labels' ? { kind: 'map', values: SCALAR } : SCALAR) },
    );
    const set = toFieldSet(t, {
      apiVersion: 'x/v1',
      metadata: { labels: { a: 'b' } },
      spec: { ports: [{ port: 80, protocol: 'TCP' }], tags: ['t'], args: ['a'], ref: { name: 'n' }, extra: { deep: { k: 1 } } },
    });
    assert.deepEqual(toFieldsV1(set), {
      'f:apiVersion': {},
      'f:metadata': { 'f:labels': { 'f:a': {} } },
      'f:spec': {
        'f:args': {},
        'f:extra': { 'f:deep': { '.': {}, 'f:k': {} } },
        'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:protocol': {} } },
        'f:ref': {},
        'f:tags': { 'v:"t"': {} },
      },
    });
  });
});
