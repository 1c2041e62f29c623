import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSchemaRules, validateSchemaRules } from './crd-rules';
import type { StructuralSchema } from './structural-schema';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      'x-kubernetes-validations': [
        { rule: 'self.replicas <= self.maxReplicas', message: 'replicas must not exceed maxReplicas' },
        { rule: 'self.mode == oldSelf.mode', message: 'mode is immutable', reason: 'FieldValueForbidden', fieldPath: '.mode' },
        { rule: "!has(self.tier) || self.tier != 'gold'", messageExpression: "'tier ' + self.tier + ' is not offered'" },
      ],
      properties: {
        replicas: { type: 'integer' },
        maxReplicas: { type: 'integer' },
        mode: { type: 'string' },
        tier: { type: 'string' },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            'x-kubernetes-validations': [{ rule: '!has(oldSelf.port) || self.port >= oldSelf.port', message: 'ports only grow' }],
            properties: { name: { type: 'string' }, port: { type: 'integer' } },
          },
        },
      },
    },
  },
} as StructuralSchema;

const { tree, errors } = compileSchemaRules(schema, 'spec.versions[0].schema.openAPIV3Schema');
const obj = (spec: Record<string, unknown>) => ({ apiVersion: 'x/v1', kind: 'W', metadata: { name: 'w' }, spec });

test('crd rules: a failing rule reports its node, type word and message', () => {
  assert.deepEqual(errors, []);
  const errs = validateSchemaRules(tree!, obj({ replicas: 7, maxReplicas: 5, mode: 'a' }), undefined);
  assert.deepEqual(errs, [
    { field: 'spec', reason: 'FieldValueInvalid', message: 'Invalid value: "object": replicas must not exceed maxReplicas' },
  ]);
  assert.deepEqual(validateSchemaRules(tree!, obj({ replicas: 1, maxReplicas: 5, mode: 'a' }), undefined), []);
});

test('crd rules: messageExpression, transition rules with reason and fieldPath, map-list correlation', () => {
  const errs = validateSchemaRules(
    tree!,
    obj({ replicas: 1, maxReplicas: 5, mode: 'b', tier: 'gold' }),
    obj({ replicas: 1, maxReplicas: 5, mode: 'a' }),
  );
  assert.deepEqual(errs, [
    { field: 'spec.mode', reason: 'FieldValueForbidden', message: 'Forbidden: mode is immutable' },
    { field: 'spec', reason: 'FieldValueInvalid', message: 'Invalid value: "object": tier gold is not offered' },
  ]);
  const before = obj({
    replicas: 1,
    maxReplicas: 5,
    mode: 'a',
    ports: [
      { name: 'a', port: 80 },
      { name: 'b', port: 90 },
    ],
  });
  const after = obj({
    replicas: 1,
    maxReplicas: 5,
    mode: 'a',
    ports: [
      { name: 'b', port: 91 },
      { name: 'a', port: 70 },
      { name: 'c', port: 1 },
    ],
  });
  assert.deepEqual(validateSchemaRules(tree!, after, before), [
    { field: 'spec.ports[1]', reason: 'FieldValueInvalid', message: 'Invalid value: "object": ports only grow' },
  ]);
});

test('crd rules: rules that do not compile refuse the CRD, worded as upstream', () => {
  const bad = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { n: { type: 'integer' } },
        'x-kubernetes-validations': [{ rule: 'self.n >' }, { rule: 'self.count > 1' }, { rule: 'self.n', message: 'x' }],
      },
    },
  } as StructuralSchema;
  const r = compileSchemaRules(bad, 'spec.versions[0].schema.openAPIV3Schema');
  assert.equal(r.errors.length, 3);
  assert.equal(r.errors[0].field, 'spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule');
  assert.match(
    r.errors[0].message,
    /^Invalid value: apiextensions\.ValidationRule\{Rule:"self\.n >".*\}: compilation failed: ERROR: <input>:1:9: Syntax error/,
  );
  assert.match(r.errors[1].message, /undefined field 'count'/);
  assert.match(r.errors[2].message, /must evaluate to a bool/);
});

test('crd rules: an expensive rule stops at the cost budget with upstream words', () => {
  const costly = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { items: { type: 'array', items: { type: 'integer' } } },
        'x-kubernetes-validations': [{ rule: 'self.items.all(a, self.items.all(b, self.items.all(c, a + b + c >= 0)))' }],
      },
    },
  } as StructuralSchema;
  const t = compileSchemaRules(costly, '').tree!;
  const errs = validateSchemaRules(t, obj({ items: Array.from({ length: 300 }, (_, i) => i) }), undefined);
  assert.equal(errs.length, 1);
  assert.match(errs[0].message, /running out of cost budget/);
});

test('crd rules: the static cost estimate refuses rules too expensive for their bounds, worded as upstream', () => {
  const tags = (bounds: Record<string, number>, itemBounds: Record<string, number>) =>
    ({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            tags: {
              type: 'array',
              ...bounds,
              items: { type: 'string', ...itemBounds },
              'x-kubernetes-validations': [{ rule: "self.all(x, x.contains('gpu'))" }],
            },
          },
        },
      },
    }) as StructuralSchema;
  const base = 'spec.versions[0].schema.openAPIV3Schema';
  const rule = `${base}.properties[spec].properties[tags].x-kubernetes-validations[0].rule`;
  // Unbounded list of unbounded strings: the per-rule limit, its share of the total, and the total.
  const unbounded = compileSchemaRules(tags({}, {}), base).errors;
  assert.deepEqual(
    unbounded.map((e) => [e.field, e.reason]),
    [
      [rule, 'FieldValueForbidden'],
      [rule, 'FieldValueForbidden'],
      [base, 'FieldValueForbidden'],
    ],
  );
  assert.equal(
    unbounded[0].message,
    'Forbidden: estimated rule cost exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)',
  );
  assert.equal(
    unbounded[1].message,
    'Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema',
  );
  assert.match(
    unbounded[2].message,
    /^Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget/,
  );
  // maxItems and maxLength bound the estimate: accepted.
  assert.deepEqual(compileSchemaRules(tags({ maxItems: 100 }, { maxLength: 64 }), base).errors, []);
  // Near the limit the factor is printed (upstream: "%.1fx").
  const near = compileSchemaRules(tags({ maxItems: 2_000_000 }, { maxLength: 16 }), base).errors;
  assert.match(near[0]?.message ?? '', /exceeds budget by factor of \d\.\dx/);
  // A rule inside list items applies once per element: cardinality multiplies its cost.
  const perItem = {
    type: 'object',
    properties: {
      list: {
        type: 'array',
        items: {
          type: 'object',
          properties: { name: { type: 'string', maxLength: 1000 } },
          'x-kubernetes-validations': [{ rule: "self.name.matches('^[a-z]+$')" }],
        },
      },
    },
  } as StructuralSchema;
  assert.match(compileSchemaRules(perItem, base).errors[0]?.message ?? '', /estimated rule cost exceeds budget/);
  (perItem.properties!.list as { maxItems?: number }).maxItems = 10;
  assert.deepEqual(compileSchemaRules(perItem, base).errors, []);
  // A messageExpression concatenating string(int) has no size bound, as upstream finds.
  const msg = {
    type: 'object',
    properties: { n: { type: 'integer' } },
    'x-kubernetes-validations': [{ rule: 'self.n > 0', messageExpression: "'n is ' + string(self.n)" }],
  } as StructuralSchema;
  assert.match(compileSchemaRules(msg, base).errors[0]?.message ?? '', /estimated messageExpression cost exceeds budget/);
});
