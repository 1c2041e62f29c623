import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStructural } from './structural-check';
import { customResourceDefinitionKind } from './crd-kind';

const P = 'spec.versions[0].schema.openAPIV3Schema';
const text = (schema: unknown) => checkStructural(schema, P).map((e) => `${e.field}: ${e.message}`);

test('structural schemas pass', () => {
  assert.deepEqual(
    text({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { port: { 'x-kubernetes-int-or-string': true }, free: { 'x-kubernetes-preserve-unknown-fields': true } },
        },
        tags: { type: 'array', items: { type: 'string' } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    }),
    [],
  );
});

test('untyped fields, a non-object root and arrays without items are reported as upstream words them', () => {
  assert.deepEqual(text({ type: 'string' }), [`${P}.type: Invalid value: "string": must be object at the root`]);
  assert.deepEqual(text({ properties: {} }), [`${P}.type: Required value: must not be empty at the root`]);
  assert.deepEqual(
    text({ type: 'object', properties: { spec: { properties: { a: { type: 'array' }, b: { type: 'array', items: {} } } } } }),
    [
      `${P}.properties[spec].type: Required value: must not be empty for specified object fields`,
      `${P}.properties[spec].properties[a].items: Required value: must be specified`,
      `${P}.properties[spec].properties[b].items.type: Required value: must not be empty for specified array items`,
    ],
  );
});

test('a CRD with a non-structural schema is invalid', () => {
  const crd: any = {
    metadata: { name: 'things.skiff.dev' },
    spec: {
      group: 'skiff.dev',
      scope: 'Namespaced',
      names: { plural: 'things', singular: 'thing', kind: 'Thing', listKind: 'ThingList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: {} } } } }],
    },
  };
  const errs = customResourceDefinitionKind.validate!(crd);
  assert.deepEqual(
    errs.map((e) => e.field),
    [`${P}.properties[spec].type`],
  );
});
