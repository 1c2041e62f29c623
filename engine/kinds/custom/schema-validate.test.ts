import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCustomObject } from './schema-validate';
import { applyDefaults, unknownFieldPaths } from './schema-defaults';
import type { StructuralSchema } from './structural-schema';

const schema: StructuralSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'string', enum: ['S', 'M'] },
        count: { type: 'integer', minimum: 1, exclusiveMaximum: true, maximum: 5, default: 2 },
        ratio: { type: 'number', multipleOf: 0.5 },
        name: { type: 'string', minLength: 2 },
        items: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'object', properties: { v: { type: 'string', default: 'd' } } },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 1 },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        port: { 'x-kubernetes-int-or-string': true },
        opt: { type: 'string', nullable: true },
        when: { type: 'string', format: 'date-time' },
        set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' } } },
        },
      },
    },
  },
};

const messages = (spec: object) =>
  validateCustomObject(schema, { apiVersion: 'x/v1', kind: 'K', metadata: {}, spec }).map((e) => `${e.field}: ${e.message}`);

test('each keyword reports with upstream field paths and wording', () => {
  assert.deepEqual(messages({ size: 'S' }), []);
  assert.deepEqual(messages({}), ['spec.size: Required value']);
  assert.deepEqual(messages({ size: 'L' }), ['spec.size: Unsupported value: "L": supported values: "S", "M"']);
  assert.deepEqual(messages({ size: 'S', count: 5 }), ['spec.count: Invalid value: 5: spec.count in body should be less than 5']);
  assert.deepEqual(messages({ size: 'S', count: 0 }), [
    'spec.count: Invalid value: 0: spec.count in body should be greater than or equal to 1',
  ]);
  assert.deepEqual(messages({ size: 'S', count: 1.5 }), [
    'spec.count: Invalid value: "number": spec.count in body must be of type integer: "number"',
  ]);
  assert.deepEqual(messages({ size: 'S', ratio: 0.7 }), ['spec.ratio: Invalid value: 0.7: spec.ratio in body should be a multiple of 0.5']);
  assert.deepEqual(messages({ size: 'S', name: 'x' }), [
    'spec.name: Invalid value: "x": spec.name in body should be at least 2 chars long',
  ]);
  assert.deepEqual(messages({ size: 'S', items: [] }), ['spec.items: Invalid value: 0: spec.items in body should have at least 1 items']);
  assert.deepEqual(messages({ size: 'S', items: [{ v: 1 }] }), [
    'spec.items[0].v: Invalid value: "integer": spec.items[0].v in body must be of type string: "integer"',
  ]);
  assert.deepEqual(messages({ size: 'S', labels: { a: 'x', b: 'y' } }), [
    'spec.labels: Invalid value: 2: spec.labels in body should have at most 1 properties',
  ]);
  assert.deepEqual(messages({ size: 'S', labels: { a: 1 } }), [
    'spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"',
  ]);
  assert.deepEqual(messages({ size: 'S', port: 80 }), []);
  assert.deepEqual(messages({ size: 'S', port: 'http' }), []);
  assert.deepEqual(messages({ size: 'S', opt: null }), []);
  assert.deepEqual(messages({ size: 'S', when: '2026-01-02T03:04:05Z' }), []);
  assert.deepEqual(messages({ size: 'S', when: 'soon' }), [
    'spec.when: Invalid value: "soon": spec.when in body must be of type date-time: "soon"',
  ]);
  assert.deepEqual(messages({ size: 'S', set: ['a', 'b', 'a'] }), ['spec.set[2]: Duplicate value: "a"']);
  assert.deepEqual(
    messages({
      size: 'S',
      ports: [
        { name: 'http', port: 80 },
        { name: 'http', port: 81 },
      ],
    }),
    ['spec.ports[1]: Duplicate value: map[string]interface {}{"name":"http"}'],
  );
  assert.deepEqual(messages({ size: null }), ['spec.size: Invalid value: "null": spec.size in body must be of type string: "null"']);
});

test('defaults fill absent fields, inside list items too', () => {
  const obj: any = { metadata: {}, spec: { size: 'S', items: [{}, { v: 'set' }] } };
  applyDefaults(schema, obj);
  assert.equal(obj.spec.count, 2);
  assert.deepEqual(obj.spec.items, [{ v: 'd' }, { v: 'set' }]);
});

test('defaults deep under maps and lists are filled; a null in a non-nullable field is defaulted', () => {
  const deep = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          plain: { type: 'string' },
          routes: {
            type: 'object',
            additionalProperties: {
              type: 'array',
              items: { type: 'object', properties: { weight: { type: 'integer', default: 1 }, to: { type: 'string' } } },
            },
          },
          mode: { type: 'string', default: 'fast' },
        },
      },
    },
  };
  const obj: Record<string, unknown> = {
    metadata: {},
    spec: { plain: 'p', mode: null, routes: { a: [{ to: 'x' }, { to: 'y', weight: 5 }], b: [] } },
  };
  applyDefaults(deep, obj);
  assert.deepEqual(obj.spec, {
    plain: 'p',
    mode: 'fast',
    routes: {
      a: [
        { to: 'x', weight: 1 },
        { to: 'y', weight: 5 },
      ],
      b: [],
    },
  });
  // Each object gets its own copy of a default.
  const items: Record<string, unknown>[] = [{}, {}];
  applyDefaults(deep, { metadata: {}, spec: { routes: { a: items } } });
  items[0].weight = 9;
  assert.equal(items[1].weight, 1);
});

test('unknown fields are found except under preserve-unknown-fields and maps', () => {
  const obj: any = {
    apiVersion: 'x/v1',
    kind: 'K',
    metadata: { name: 'n' },
    spec: { size: 'S', bogus: 1, free: { any: { thing: 1 } }, labels: { k: 'v' }, items: [{ v: 'a', w: 1 }] },
    other: 1,
  };
  assert.deepEqual(unknownFieldPaths(schema, obj).sort(), ['other', 'spec.bogus', 'spec.items[0].w']);
});
