import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemaRegistry } from './schema';
import { fileModelSource, moduleModelSource, parseAttributes, parseDocs } from './schema-source';
import type { SchemaNode } from './schema-types';

const reg = createSchemaRegistry();

function at(model: string, ...path: string[]): SchemaNode {
  let node: SchemaNode = reg.node(model);
  for (const step of path) {
    if (step === '[]') {
      assert.equal(node.type, 'array');
      node = (node as Extract<SchemaNode, { type: 'array' }>).items;
    } else if (step === '{}') {
      assert.equal(node.type, 'map');
      node = (node as Extract<SchemaNode, { type: 'map' }>).values;
    } else {
      assert.equal(node.type, 'object', `expected an object before ${step}`);
      const f = (node as Extract<SchemaNode, { type: 'object' }>).fields[step];
      assert.ok(f, `no field ${step}`);
      node = f.node();
    }
  }
  return node;
}

describe('schema registry', () => {
  test('resolves a kind through nested models, arrays and maps', () => {
    assert.deepEqual(Object.keys(reg.fields('V1Pod')).sort(), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    assert.equal(at('V1Pod', 'spec').type, 'object');
    assert.equal((at('V1Pod', 'spec', 'containers', '[]') as { model: string }).model, 'V1Container');
    assert.equal(at('V1Pod', 'spec', 'containers', '[]', 'image').type, 'string');
    assert.equal(at('V1Pod', 'metadata', 'labels', '{}').type, 'string');
    assert.equal(at('V1Pod', 'spec', 'containers', '[]', 'args', '[]').type, 'string');
  });

  test('maps scalar kinds: integers, dates, int-or-string, quantities, any', () => {
    assert.equal(at('V1Deployment', 'spec', 'replicas').type, 'integer');
    assert.equal(reg.fields('V1DeploymentSpec').replicas.format, 'int32');
    assert.equal(at('V1Pod', 'metadata', 'creationTimestamp').type, 'date-time');
    assert.equal(at('V1Deployment', 'spec', 'strategy', 'rollingUpdate', 'maxSurge').type, 'int-or-string');
    assert.equal(at('V1Pod', 'spec', 'containers', '[]', 'resources', 'limits', '{}').type, 'quantity');
    assert.equal(at('V1Pod', 'spec', 'volumes', '[]', 'emptyDir', 'sizeLimit').type, 'quantity');
    assert.equal(at('V1ControllerRevision', 'data').type, 'any');
    assert.equal(at('V1JSONSchemaProps', 'maximum').type, 'number');
    assert.equal(reg.fields('V1Secret').data.format, 'byte');
  });

  test('uses JSON names, not the generated property names', () => {
    assert.ok(reg.fields('V1ListMeta').continue);
    assert.equal(reg.fields('V1ListMeta')._continue, undefined);
    assert.ok(reg.fields('V1JSONSchemaProps')['x-kubernetes-int-or-string']);
  });

  test('caches nodes, so recursive types resolve to the same object', () => {
    assert.equal(reg.node('V1PodSpec'), reg.node('V1PodSpec'));
    const props = at('V1JSONSchemaProps', 'properties');
    assert.equal(props.type === 'map' && props.values, reg.node('V1JSONSchemaProps'));
  });

  test('attaches strategic-merge metadata to fields', () => {
    const spec = reg.fields('V1PodSpec');
    assert.equal(spec.containers.patchStrategy, 'merge');
    assert.equal(spec.containers.patchMergeKey, 'name');
    assert.equal(spec.volumes.patchStrategy, 'merge,retainKeys');
    assert.equal(spec.tolerations.patchStrategy, undefined);
  });

  test('reads descriptions and required fields from the declarations', () => {
    assert.match(reg.description('V1Pod') ?? '', /^Pod is a collection of containers/);
    assert.match(reg.fields('V1DeploymentSpec').replicas.description ?? '', /Number of desired pods/);
    assert.equal(reg.fields('V1DeploymentSpec').selector.required, true);
    assert.equal(reg.fields('V1DeploymentSpec').replicas.required, false);
  });

  test('has() and unknown models', () => {
    assert.equal(reg.has('V1Pod'), true);
    assert.equal(reg.has('V1NoSuchThing'), false);
    assert.equal(reg.has('ObjectSerializer'), false);
    assert.throws(() => reg.node('V1NoSuchThing'), /unknown schema model V1NoSuchThing/);
  });

  test('a fresh registry walks a Deployment lazily through every referenced model', () => {
    const fresh = createSchemaRegistry();
    const seen = new Set<string>();
    const walk = (n: SchemaNode): void => {
      if (n.type === 'array') return walk(n.items);
      if (n.type === 'map') return walk(n.values);
      if (n.type !== 'object' || seen.has(n.model)) return;
      seen.add(n.model);
      for (const f of Object.values(n.fields)) walk(f.node());
    };
    walk(fresh.node('V1Deployment'));
    assert.ok(seen.size > 80, `walked ${seen.size} models`);
  });

  test('the file source agrees with the loaded model classes', async () => {
    // The package index loads ~700 modules (seconds under tsx); a few model modules suffice here.
    const models = ['V1Pod', 'V1PodSpec', 'V1Container', 'V1ListMeta', 'V1JSONSchemaProps', 'CoreV1EventSeries'];
    const loaded: Record<string, unknown> = {};
    for (const m of models) Object.assign(loaded, await import(`@kubernetes/client-node/dist/gen/models/${m}.js`));
    const fromModule = moduleModelSource(loaded);
    const fromFiles = fileModelSource();
    for (const model of models) assert.deepEqual(fromFiles.attributes(model), fromModule.attributes(model), model);
    const viaModule = createSchemaRegistry({ source: fromModule });
    assert.equal(viaModule.fields('V1PodSpec').containers.patchMergeKey, 'name');
    assert.equal(viaModule.has('V1Deployment'), false);
  });
});

describe('schema source parsing', () => {
  test('parseAttributes reads the attributeTypeMap literal', () => {
    const text =
      'V1X.attributeTypeMap = [\n    {\n        "name": "a",\n        "baseName": "a",\n        "type": "string",\n        "format": ""\n    }\n];\n//# sourceMappingURL=V1X.js.map';
    assert.deepEqual(parseAttributes('V1X', text), [{ name: 'a', baseName: 'a', type: 'string', format: '' }]);
    assert.throws(() => parseAttributes('V1Y', text), /no attributeTypeMap/);
  });

  test('parseDocs takes class and field comments, unescapes quotes, skips the licence header', () => {
    const text = [
      '/**',
      ' * Kubernetes',
      ' * NOTE: This class is auto generated by OpenAPI Generator (https://openapi-generator.tech).',
      ' */',
      'export declare class V1X {',
      '    /**',
      '    * It\\\'s the \\"name\\".',
      '    */',
      "    'name': string;",
      "    'other'?: number;",
      '}',
    ].join('\n');
    const docs = parseDocs(text);
    assert.equal(docs.description, undefined);
    assert.equal(docs.fields.name, 'It\'s the "name".');
    assert.deepEqual([...docs.required], ['name']);
  });
});
