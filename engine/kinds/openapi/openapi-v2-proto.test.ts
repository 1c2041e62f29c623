// Decodes the encoder's bytes with an independent, table-driven reader (message and field
// numbers transcribed from gnostic-models' OpenAPIv2.proto) and turns them back into
// Swagger JSON: the round trip must give back the document that was encoded.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { encodeOpenApiV2 } from './openapi-v2-proto';
import { createOpenApiV2 } from './openapi-v2';
import { createSchemaRegistry } from '../schema/schema';
import { builtinKinds } from '../defs/registry';

type Field = [name: string, type: string, repeated?: '*'];
type Message = { fields: Record<number, Field>; toJson?: (m: any) => any };

const ext: Field = ['vendorExtension', 'NamedAny', '*'];
const namedMap = (m: any) => Object.fromEntries((m.entries ?? []).map((e: any) => [e.name ?? '', e.value]));
const first = (m: any) => Object.values(m)[0]; // a oneof wrapper holds exactly one member

const MESSAGES: Record<string, Message> = {
  Document: {
    fields: {
      1: ['swagger', 'string'],
      2: ['info', 'Info'],
      3: ['host', 'string'],
      4: ['basePath', 'string'],
      5: ['schemes', 'string', '*'],
      6: ['consumes', 'string', '*'],
      7: ['produces', 'string', '*'],
      8: ['paths', 'Paths'],
      9: ['definitions', 'Definitions'],
      12: ['security', 'SecurityRequirement', '*'],
      13: ['securityDefinitions', 'SecurityDefinitions'],
      16: ext,
    },
  },
  Info: { fields: { 1: ['title', 'string'], 2: ['version', 'string'], 3: ['description', 'string'], 7: ext } },
  Paths: { fields: { 1: ext, 2: ['entries', 'NamedPathItem', '*'] }, toJson: namedMap },
  NamedPathItem: { fields: { 1: ['name', 'string'], 2: ['value', 'PathItem'] } },
  PathItem: {
    fields: {
      1: ['$ref', 'string'],
      2: ['get', 'Operation'],
      3: ['put', 'Operation'],
      4: ['post', 'Operation'],
      5: ['delete', 'Operation'],
      6: ['options', 'Operation'],
      7: ['head', 'Operation'],
      8: ['patch', 'Operation'],
      9: ['parameters', 'ParametersItem', '*'],
      10: ext,
    },
  },
  Operation: {
    fields: {
      1: ['tags', 'string', '*'],
      2: ['summary', 'string'],
      3: ['description', 'string'],
      5: ['operationId', 'string'],
      6: ['produces', 'string', '*'],
      7: ['consumes', 'string', '*'],
      8: ['parameters', 'ParametersItem', '*'],
      9: ['responses', 'Responses'],
      10: ['schemes', 'string', '*'],
      11: ['deprecated', 'bool'],
      13: ext,
    },
  },
  ParametersItem: { fields: { 1: ['parameter', 'Parameter'], 2: ['jsonReference', 'JsonReference'] }, toJson: first },
  JsonReference: { fields: { 1: ['$ref', 'string'], 2: ['description', 'string'] } },
  Parameter: { fields: { 1: ['body', 'BodyParameter'], 2: ['nonBody', 'NonBodyParameter'] }, toJson: first },
  BodyParameter: {
    fields: {
      1: ['description', 'string'],
      2: ['name', 'string'],
      3: ['in', 'string'],
      4: ['required', 'bool'],
      5: ['schema', 'Schema'],
      6: ext,
    },
  },
  NonBodyParameter: {
    fields: {
      1: ['header', 'PathParameterSubSchema'],
      2: ['formData', 'QueryParameterSubSchema'],
      3: ['query', 'QueryParameterSubSchema'],
      4: ['path', 'PathParameterSubSchema'],
    },
    toJson: first,
  },
  QueryParameterSubSchema: {
    fields: {
      1: ['required', 'bool'],
      2: ['in', 'string'],
      3: ['description', 'string'],
      4: ['name', 'string'],
      5: ['allowEmptyValue', 'bool'],
      6: ['type', 'string'],
      7: ['format', 'string'],
      9: ['collectionFormat', 'string'],
      10: ['default', 'Any'],
      17: ['pattern', 'string'],
      20: ['uniqueItems', 'bool'],
      21: ['enum', 'Any', '*'],
      23: ext,
    },
  },
  // Header parameters have the same layout as path parameters.
  PathParameterSubSchema: {
    fields: {
      1: ['required', 'bool'],
      2: ['in', 'string'],
      3: ['description', 'string'],
      4: ['name', 'string'],
      5: ['type', 'string'],
      6: ['format', 'string'],
      8: ['collectionFormat', 'string'],
      9: ['default', 'Any'],
      16: ['pattern', 'string'],
      19: ['uniqueItems', 'bool'],
      20: ['enum', 'Any', '*'],
      22: ext,
    },
  },
  Responses: { fields: { 1: ['entries', 'NamedResponseValue', '*'], 2: ext }, toJson: namedMap },
  NamedResponseValue: { fields: { 1: ['name', 'string'], 2: ['value', 'ResponseValue'] } },
  ResponseValue: { fields: { 1: ['response', 'Response'], 2: ['jsonReference', 'JsonReference'] }, toJson: first },
  Response: { fields: { 1: ['description', 'string'], 2: ['schema', 'SchemaItem'], 5: ext } },
  SchemaItem: { fields: { 1: ['schema', 'Schema'] }, toJson: first },
  Definitions: { fields: { 1: ['entries', 'NamedSchema', '*'] }, toJson: namedMap },
  Properties: { fields: { 1: ['entries', 'NamedSchema', '*'] }, toJson: namedMap },
  NamedSchema: { fields: { 1: ['name', 'string'], 2: ['value', 'Schema'] } },
  Schema: {
    fields: {
      1: ['$ref', 'string'],
      2: ['format', 'string'],
      3: ['title', 'string'],
      4: ['description', 'string'],
      5: ['default', 'Any'],
      6: ['multipleOf', 'double'],
      7: ['maximum', 'double'],
      8: ['exclusiveMaximum', 'bool'],
      9: ['minimum', 'double'],
      10: ['exclusiveMinimum', 'bool'],
      11: ['maxLength', 'int64'],
      12: ['minLength', 'int64'],
      13: ['pattern', 'string'],
      14: ['maxItems', 'int64'],
      15: ['minItems', 'int64'],
      16: ['uniqueItems', 'bool'],
      17: ['maxProperties', 'int64'],
      18: ['minProperties', 'int64'],
      19: ['required', 'string', '*'],
      20: ['enum', 'Any', '*'],
      21: ['additionalProperties', 'AdditionalPropertiesItem'],
      22: ['type', 'TypeItem'],
      23: ['items', 'ItemsItem'],
      24: ['allOf', 'Schema', '*'],
      25: ['properties', 'Properties'],
      26: ['discriminator', 'string'],
      27: ['readOnly', 'bool'],
      30: ['example', 'Any'],
      31: ext,
    },
  },
  AdditionalPropertiesItem: {
    fields: { 1: ['schema', 'Schema'], 2: ['boolean', 'bool'] },
    toJson: (m) => ('schema' in m ? m.schema : (m.boolean ?? false)),
  },
  TypeItem: { fields: { 1: ['value', 'string', '*'] }, toJson: (m) => (m.value.length === 1 ? m.value[0] : m.value) },
  ItemsItem: { fields: { 1: ['schema', 'Schema', '*'] }, toJson: (m) => (m.schema.length === 1 ? m.schema[0] : m.schema) },
  NamedAny: { fields: { 1: ['name', 'string'], 2: ['value', 'Any'] } },
  Any: { fields: { 2: ['yaml', 'string'] }, toJson: (m) => parseYaml(m.yaml ?? '') },
  SecurityRequirement: { fields: { 1: ['entries', 'NamedStringArray', '*'] }, toJson: namedMap },
  NamedStringArray: { fields: { 1: ['name', 'string'], 2: ['value', 'StringArray'] } },
  StringArray: { fields: { 1: ['value', 'string', '*'] }, toJson: (m) => m.value ?? [] },
  SecurityDefinitions: { fields: { 1: ['entries', 'NamedSecurityDefinitionsItem', '*'] }, toJson: namedMap },
  NamedSecurityDefinitionsItem: { fields: { 1: ['name', 'string'], 2: ['value', 'SecurityDefinitionsItem'] } },
  SecurityDefinitionsItem: { fields: { 2: ['apiKey', 'ApiKeySecurity'] }, toJson: first },
  ApiKeySecurity: { fields: { 1: ['type', 'string'], 2: ['name', 'string'], 3: ['in', 'string'], 4: ['description', 'string'], 5: ext } },
};

/** Decodes one message into Swagger JSON, failing on fields or wire types the table does not expect. */
function decode(type: string, buf: Buffer): any {
  const spec = MESSAGES[type];
  assert.ok(spec, `no table for ${type}`);
  const out: any = {};
  let pos = 0;
  const varint = () => {
    let n = 0;
    for (let mul = 1; ; mul *= 128) {
      const b = buf[pos++];
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const num = Math.floor(key / 8);
    const wire = key % 8;
    const field = spec.fields[num];
    assert.ok(field, `${type}: unexpected field ${num}`);
    const [name, ftype, repeated] = field;
    let value: any;
    if (ftype === 'bool' || ftype === 'int64') {
      assert.equal(wire, 0, `${type}.${name} wire type`);
      value = ftype === 'bool' ? varint() !== 0 : varint();
    } else if (ftype === 'double') {
      assert.equal(wire, 1, `${type}.${name} wire type`);
      value = buf.readDoubleLE(pos);
      pos += 8;
    } else {
      assert.equal(wire, 2, `${type}.${name} wire type`);
      const len = varint();
      const bytes = buf.subarray(pos, pos + len);
      pos += len;
      value = ftype === 'string' ? bytes.toString('utf8') : decode(ftype, bytes);
    }
    if (repeated) (out[name] ??= []).push(value);
    else {
      assert.ok(!(name in out), `${type}.${name} written twice`);
      out[name] = value;
    }
  }
  if (hasRepeated(spec))
    for (const [, [name, , rep]] of Object.entries(spec.fields)) if (rep && !(name in out) && name !== 'vendorExtension') out[name] = [];
  const exts: any[] = out.vendorExtension ?? [];
  delete out.vendorExtension;
  for (const e of exts) out[e.name] = e.value;
  return spec.toJson ? spec.toJson(out) : out;
}
const hasRepeated = (spec: Message) => Object.values(spec.fields).some((f) => f[2]);

/** What survives proto3 encoding: no empty strings, no false, no empty lists (outside extension
 *  values); `additionalProperties: false` stays, being a member of a oneof. */
function proto3View(v: any, inExt = false): any {
  if (Array.isArray(v)) return v.map((x) => proto3View(x, inExt));
  if (!v || typeof v !== 'object') return v;
  const out: any = {};
  for (const [k, x] of Object.entries(v)) {
    const e = inExt || k.startsWith('x-');
    if (!e && k !== 'additionalProperties' && (x === '' || x === false || (Array.isArray(x) && x.length === 0))) continue;
    out[k] = proto3View(x, e);
  }
  return out;
}
const dropEmptyLists = (v: any): any => JSON.parse(JSON.stringify(v, (_k, x) => (Array.isArray(x) && x.length === 0 ? undefined : x)));

const sample = {
  swagger: '2.0',
  info: { title: 'Kubernetes', version: 'v1.33.0' },
  paths: {
    '/apis/apps/v1/namespaces/{namespace}/deployments/{name}': {
      patch: {
        tags: ['apps_v1'],
        operationId: 'patchAppsV1NamespacedDeployment',
        consumes: ['application/strategic-merge-patch+json'],
        produces: ['application/json'],
        schemes: ['https'],
        parameters: [
          { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } },
          { name: 'fieldValidation', in: 'query', type: 'string', uniqueItems: true, description: 'Strict or not' },
        ],
        responses: {
          '200': { description: 'OK', schema: { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' } },
          '401': { description: 'Unauthorized' },
        },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: 'apps', version: 'v1', kind: 'Deployment' },
      },
      parameters: [{ name: 'name', in: 'path', required: true, type: 'string', uniqueItems: true, description: 'Name of the object.' }],
    },
  },
  definitions: {
    'io.k8s.api.apps.v1.Deployment': {
      type: 'object',
      required: ['spec'],
      properties: {
        replicas: { type: 'integer', format: 'int32', minimum: 0.5, maximum: 10, description: 'ünïcode' },
        containers: {
          type: 'array',
          items: { $ref: '#/definitions/C' },
          'x-kubernetes-patch-merge-key': 'name',
          'x-kubernetes-patch-strategy': 'merge',
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        closed: { type: 'object', additionalProperties: false },
        mode: { type: 'string', enum: ['A', 'B'], default: 'A', maxLength: 3 },
        anything: { description: 'any value', 'x-kubernetes-preserve-unknown-fields': true },
      },
      'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'Deployment', version: 'v1' }],
    },
    C: { type: 'object', properties: {} },
  },
  securityDefinitions: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer' } },
  security: [{ BearerToken: [] }],
};

describe('openapi v2 protobuf', () => {
  test('a hand-written document round-trips through the gnostic message layout', () => {
    const back = decode('Document', Buffer.from(encodeOpenApiV2(sample)));
    assert.deepEqual(dropEmptyLists(back), dropEmptyLists(proto3View(sample)));
    // Spot checks on what kubectl reads, independent of the round-trip helper.
    const op = back.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    assert.deepEqual(op['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.equal(op.parameters[1].name, 'fieldValidation');
    assert.equal(back.definitions['io.k8s.api.apps.v1.Deployment'].properties.closed.additionalProperties, false);
    assert.deepEqual(back.definitions.C.properties, {}, 'an empty Properties message is still present (kubectl then parses a Kind)');
  });

  test('vendor extensions are YAML text, as gnostic writes them', () => {
    const bytes = Buffer.from(
      encodeOpenApiV2({
        definitions: {
          X: { type: 'object', properties: {}, 'x-kubernetes-group-version-kind': [{ group: '', kind: 'Pod', version: 'v1' }] },
        },
      }),
    );
    assert.ok(bytes.includes(Buffer.from('- group: ""\n  kind: Pod\n  version: v1\n')));
  });

  test('the full built-in document round-trips, has every reference defined', () => {
    const v2 = createOpenApiV2(createSchemaRegistry(), builtinKinds(), { version: 'v1.33.0' });
    const doc = v2.document();
    const bytes = v2.protobuf().body;
    const back = decode('Document', Buffer.from(bytes));
    assert.deepEqual(dropEmptyLists(back), dropEmptyLists(proto3View(doc)));
    const refs = new Set<string>();
    // (JSONSchemaProps has a property named $ref; its value is a schema, not a reference.)
    JSON.stringify(back, (k, v) => (k === '$ref' && typeof v === 'string' ? (refs.add(v), v) : v));
    for (const r of refs) {
      assert.ok(r.startsWith('#/definitions/'), r);
      assert.ok(r.slice('#/definitions/'.length) in back.definitions, `dangling ${r}`);
    }
    assert.ok(refs.size > 100);
  });
});
