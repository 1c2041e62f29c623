import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemaRegistry } from '../schema/schema';
import { createOpenApiV3 } from './openapi';
import { createOpenApiV2, OPENAPI_V2_PROTOBUF, wantsProtobuf } from './openapi-v2';
import { schemaToV2 } from './openapi-v2-convert';
import type { KindDef } from '../types';
import { deploymentKind, podKind } from './testing/openapi-kinds';

const reg = createSchemaRegistry();

const kinds: KindDef[] = [podKind, deploymentKind];

const v3 = createOpenApiV3(reg, kinds, { version: 'v1.33.2' });
const v2 = createOpenApiV2(reg, kinds, { version: 'v1.33.2', v3 });
const doc = v2.document() as any;
const defs = doc.definitions;
const item = '/apis/apps/v1/namespaces/{namespace}/deployments/{name}';
const gvk = { group: 'apps', version: 'v1', kind: 'Deployment' };

describe('openapi v2 document', () => {
  test('has the Swagger 2.0 envelope and one path set for all groups', () => {
    assert.equal(doc.swagger, '2.0');
    assert.deepEqual(doc.info, { title: 'Kubernetes', version: 'v1.33.2' });
    assert.ok(doc.paths['/api/v1/namespaces/{namespace}/pods']);
    assert.ok(doc.paths[item]);
    assert.deepEqual(doc.security, [{ BearerToken: [] }]);
    assert.equal(doc.securityDefinitions.BearerToken.in, 'header');
  });

  test('operations carry the kind, the action and the write parameters kubectl looks for', () => {
    const ops = doc.paths[item];
    assert.deepEqual(
      Object.keys(ops)
        .filter((k) => k !== 'parameters')
        .sort(),
      ['delete', 'get', 'patch', 'put'],
    );
    assert.deepEqual(ops.get['x-kubernetes-group-version-kind'], gvk);
    assert.equal(ops.get['x-kubernetes-action'], 'get');
    assert.equal(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].get['x-kubernetes-action'], 'list');
    assert.equal(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].post['x-kubernetes-action'], 'post');
    for (const method of ['put', 'patch']) {
      const op = ops[method];
      assert.equal(op['x-kubernetes-action'], method);
      const query = op.parameters.filter((p: any) => p.in === 'query');
      for (const name of ['dryRun', 'fieldManager', 'fieldValidation']) {
        const p = query.find((q: any) => q.name === name);
        assert.ok(p, `${method} lacks ${name}`);
        assert.equal(p.type, 'string', 'v2 parameters carry their type inline');
        assert.equal(p.schema, undefined);
      }
    }
    assert.deepEqual(ops.patch.consumes, [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    assert.deepEqual(ops.patch.parameters[0], {
      name: 'body',
      in: 'body',
      required: true,
      schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' },
    });
    assert.deepEqual(ops.put.responses['200'], { description: 'OK', schema: { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' } });
    assert.equal(ops.put.requestBody, undefined);
    assert.deepEqual(
      ops.parameters.find((p: any) => p.name === 'name'),
      { type: 'string', uniqueItems: true, name: 'name', in: 'path', description: 'Name of the object.', required: true },
    );
  });

  test('definitions use the v3 component names, with GVKs and strategic-merge keys', () => {
    assert.deepEqual(defs['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind'], [gvk]);
    assert.deepEqual(defs['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
    assert.deepEqual(Object.keys(defs).sort(), Object.keys(defs));
    const v3Names = new Set([
      ...Object.keys((v3.document('api/v1') as any).components.schemas),
      ...Object.keys((v3.document('apis/apps/v1') as any).components.schemas),
    ]);
    assert.deepEqual(new Set(Object.keys(defs)), v3Names);
    const containers = defs['io.k8s.api.core.v1.PodSpec'].properties.containers;
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
    assert.deepEqual(containers.items, { $ref: '#/definitions/io.k8s.api.core.v1.Container' });
  });

  test('references sit beside their description (no allOf) and nothing v3-only is left', () => {
    const spec = defs['io.k8s.api.apps.v1.Deployment'].properties.spec;
    assert.equal(spec.$ref, '#/definitions/io.k8s.api.apps.v1.DeploymentSpec');
    assert.equal(typeof spec.description, 'string');
    const text = JSON.stringify(doc);
    assert.ok(!text.includes('#/components/'));
    for (const key of ['"allOf":', '"oneOf":', '"requestBody":', '"content":', '"openapi":']) {
      // JSONSchemaProps has properties called allOf/oneOf; none here (no CRD kind served).
      assert.ok(!text.includes(key), `${key} left in the v2 document`);
    }
    assert.deepEqual(
      {
        type: defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].type,
        format: defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].format,
      },
      { type: 'string', format: 'int-or-string' },
    );
    assert.equal(defs['io.k8s.apimachinery.pkg.api.resource.Quantity'].type, 'string');
  });
});

describe('GET /openapi/v2 reply', () => {
  test('protobuf when asked the way kubectl asks, with the content type client-go can parse', () => {
    assert.ok(wantsProtobuf('application/com.github.proto-openapi.spec.v2@v1.0+protobuf'));
    assert.ok(wantsProtobuf('application/com.github.proto-openapi.spec.v2.v1.0+protobuf, application/json'));
    assert.ok(!wantsProtobuf('application/json'));
    assert.ok(!wantsProtobuf(undefined));
    const r = v2.reply('application/com.github.proto-openapi.spec.v2@v1.0+protobuf', undefined);
    assert.equal(r.status, 200);
    assert.equal(r.headers['Content-Type'], OPENAPI_V2_PROTOBUF);
    assert.ok(!OPENAPI_V2_PROTOBUF.includes('@'));
    assert.equal(r.body, v2.protobuf().body, 'the encoded bytes are cached');
    assert.equal(r.headers['Content-Length'], v2.protobuf().body.byteLength);
  });

  test('JSON otherwise, and 304 for a matching If-None-Match', () => {
    const r = v2.reply('application/json', undefined);
    assert.equal(r.headers['Content-Type'], 'application/json');
    assert.equal(JSON.parse(Buffer.from(r.body as Uint8Array).toString()).swagger, '2.0');
    assert.match(String(r.headers.ETag), /^"[0-9A-F]{128}"$/);
    assert.notEqual(r.headers.ETag, v2.reply(OPENAPI_V2_PROTOBUF, undefined).headers.ETag);
    const again = v2.reply('application/json', String(r.headers.ETag));
    assert.equal(again.status, 304);
    assert.equal(again.body, '');
    assert.equal(v2.reply('application/json', '"other"').status, 200);
  });

  test('is built once, lazily', () => {
    const fresh = createOpenApiV2(reg, kinds, { v3 });
    assert.equal(fresh.buildMs(), 0);
    const a = fresh.document();
    assert.ok(fresh.buildMs() > 0);
    assert.equal(fresh.document(), a);
  });
});

describe('v3 to v2 schema conversion', () => {
  test('unwraps single-ref allOf, keeps real allOf, recurses into items and additionalProperties', () => {
    assert.deepEqual(schemaToV2({ allOf: [{ $ref: '#/components/schemas/A' }], description: 'd' }), {
      description: 'd',
      $ref: '#/definitions/A',
    });
    assert.deepEqual(schemaToV2({ allOf: [{ $ref: '#/components/schemas/A' }, { type: 'object' }] }), {
      allOf: [{ $ref: '#/definitions/A' }, { type: 'object' }],
    });
    assert.deepEqual(schemaToV2({ type: 'array', items: { type: 'object', additionalProperties: { $ref: '#/components/schemas/B' } } }), {
      type: 'array',
      items: { type: 'object', additionalProperties: { $ref: '#/definitions/B' } },
    });
    assert.deepEqual(schemaToV2({ oneOf: [{ type: 'integer' }, { type: 'string' }], nullable: true }), { type: 'string' });
  });
});
