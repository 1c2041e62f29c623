import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemaRegistry } from '../schema/schema';
import { createOpenApiV3 } from './openapi';
import { createSchemaNamer, groupPackage } from './openapi-names';
import type { KindDef } from '../types';
import { deploymentKind, podKind, testKind as kind } from './testing/openapi-kinds';

const reg = createSchemaRegistry();

const kinds: KindDef[] = [
  podKind,
  kind({ group: '', version: 'v1', kind: 'Node', plural: 'nodes', model: 'V1Node', namespaced: false, subresources: { status: true } }),
  deploymentKind,
  kind({
    group: 'authorization.k8s.io',
    version: 'v1',
    kind: 'SelfSubjectAccessReview',
    plural: 'selfsubjectaccessreviews',
    model: 'V1SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    virtual: true,
  }),
  kind({
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    model: 'V2HorizontalPodAutoscaler',
    subresources: { status: true },
  }),
];

const api = createOpenApiV3(reg, kinds, { version: 'v1.33.2' });
const apps = api.document('apis/apps/v1') as any;
const core = api.document('api/v1') as any;
const gvk = (group: string, version: string, k: string) => ({ group, version, kind: k });

/** Every `$ref` in a document, so tests can check they all resolve. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) k === '$ref' ? out.push(v as string) : refs(v, out);
  }
  return out;
}

describe('openapi v3 index', () => {
  test('lists one document per served group-version with a hash (the index builds none: see below)', () => {
    const fresh = createOpenApiV3(reg, kinds, { version: 'v1.33.2' });
    const lazy = createOpenApiV3(reg, kinds, { version: 'v1.33.2' });
    const index = lazy.index();
    assert.deepEqual(Object.keys(index.paths), ['api/v1', 'apis/apps/v1', 'apis/authorization.k8s.io/v1', 'apis/autoscaling/v2']);
    const url = index.paths['apis/apps/v1'].serverRelativeURL;
    const hash = lazy.hash('apis/apps/v1');
    assert.match(hash, /^[0-9A-F]{128}$/, 'looks like a SHA-512 as kube-apiserver sends');
    assert.equal(url, `/openapi/v3/apis/apps/v1?hash=${hash}`);
    assert.equal(lazy.hash('/apis/apps/v1/'), hash, 'stable within the process');
    assert.notEqual(fresh.hash('apis/apps/v1'), hash, 'another process (perhaps another build) has other hashes');
    assert.notEqual(lazy.hash('api/v1'), hash);
  });

  test("a custom group's hash changes with its kinds; the built-in ones stay", () => {
    const custom = createOpenApiV3(reg, kinds);
    const crd = kind({
      group: 'stable.example.com',
      version: 'v1',
      kind: 'CronTab',
      plural: 'crontabs',
      model: 'StableExampleComV1CronTab',
    });
    const crdDef: KindDef = { ...crd, customResource: true };
    custom.setCustomKinds([crdDef]);
    const first = custom.hash('apis/stable.example.com/v1');
    const apps = custom.hash('apis/apps/v1');
    assert.match(first, /^[0-9A-F]{128}$/);
    custom.setCustomKinds([crdDef]);
    const second = custom.hash('apis/stable.example.com/v1');
    assert.notEqual(second, first, 'new definitions: a new hash');
    assert.equal(custom.hash('apis/apps/v1'), apps);
    custom.setCustomKinds([]);
    assert.equal(custom.hash('apis/stable.example.com/v1'), '', 'gone: not served');
  });

  test('unknown group-versions have no document; documents are cached', () => {
    assert.equal(api.document('apis/batch/v1'), undefined);
    assert.equal(api.hash('apis/batch/v1'), '');
    assert.deepEqual(api.document('/apis/apps/v1'), apps);
    assert.deepEqual(JSON.parse(api.documentText('api/v1')!), core);
  });
});

describe('openapi v3 documents', () => {
  test('has the OpenAPI 3 envelope', () => {
    assert.equal(apps.openapi, '3.0.0');
    assert.deepEqual(apps.info, { title: 'Kubernetes', version: 'v1.33.2' });
    assert.ok(apps.components.schemas['io.k8s.api.apps.v1.Deployment']);
  });

  test('lists collection, item and subresource paths with the operations the verbs allow', () => {
    assert.deepEqual(Object.keys(apps.paths), [
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/namespaces/{namespace}/deployments',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status',
    ]);
    const methods = (p: string) =>
      Object.keys(apps.paths[p])
        .filter((k) => k !== 'parameters')
        .sort();
    assert.deepEqual(methods('/apis/apps/v1/namespaces/{namespace}/deployments'), ['delete', 'get', 'post']);
    assert.deepEqual(methods('/apis/apps/v1/namespaces/{namespace}/deployments/{name}'), ['delete', 'get', 'patch', 'put']);
    assert.deepEqual(methods('/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status'), ['get', 'patch', 'put']);
    assert.equal(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].get.operationId, 'readAppsV1NamespacedDeployment');
    assert.equal(core.paths['/api/v1/nodes/{name}'].get.operationId, 'readCoreV1Node');
    assert.ok(!('/api/v1/namespaces/{namespace}/nodes' in core.paths), 'cluster-scoped kinds have no namespaced paths');
    const review = api.document('apis/authorization.k8s.io/v1') as any;
    assert.deepEqual(Object.keys(review.paths), ['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']);
    assert.deepEqual(Object.keys(review.paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']), ['post', 'parameters']);
  });

  test('every PATCH operation carries the GVK, fieldValidation, dryRun and the four patch content types', () => {
    for (const doc of [apps, core]) {
      for (const [path, item] of Object.entries<any>(doc.paths)) {
        if (!item.patch) continue;
        const op = item.patch;
        assert.equal(typeof op['x-kubernetes-group-version-kind'], 'object', path);
        assert.ok(!Array.isArray(op['x-kubernetes-group-version-kind']), path);
        const query = op.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name);
        assert.ok(query.includes('fieldValidation') && query.includes('dryRun'), path);
        assert.deepEqual(Object.keys(op.requestBody.content).sort(), [
          'application/apply-patch+yaml',
          'application/json-patch+json',
          'application/merge-patch+json',
          'application/strategic-merge-patch+json',
        ]);
      }
    }
    const item = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    assert.deepEqual(item.patch['x-kubernetes-group-version-kind'], gvk('apps', 'v1', 'Deployment'));
    assert.equal(item.patch['x-kubernetes-action'], 'patch');
    assert.deepEqual(
      apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch['x-kubernetes-group-version-kind'],
      gvk('autoscaling', 'v1', 'Scale'),
    );
    assert.deepEqual(
      item.parameters.map((p: any) => `${p.in}:${p.name}`),
      ['path:name', 'path:namespace', 'query:pretty'],
    );
  });

  test('kind schemas carry x-kubernetes-group-version-kind as a list; lists and Scale too', () => {
    const s = apps.components.schemas;
    assert.deepEqual(s['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind'], [gvk('apps', 'v1', 'Deployment')]);
    assert.deepEqual(s['io.k8s.api.apps.v1.DeploymentList']['x-kubernetes-group-version-kind'], [gvk('apps', 'v1', 'DeploymentList')]);
    assert.deepEqual(s['io.k8s.api.autoscaling.v1.Scale']['x-kubernetes-group-version-kind'], [gvk('autoscaling', 'v1', 'Scale')]);
    assert.equal(s['io.k8s.api.apps.v1.DeploymentSpec']['x-kubernetes-group-version-kind'], undefined);
  });

  test('names shared types by their upstream group, whichever document includes them', () => {
    const names = Object.keys(apps.components.schemas);
    for (const n of [
      'io.k8s.api.core.v1.PodTemplateSpec',
      'io.k8s.api.core.v1.Container',
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
      'io.k8s.api.autoscaling.v1.ScaleSpec',
    ]) {
      assert.ok(names.includes(n), n);
    }
    assert.ok(
      Object.keys((api.document('apis/autoscaling/v2') as any).components.schemas).includes('io.k8s.api.autoscaling.v2.MetricSpec'),
    );
  });

  test('every $ref resolves inside its own document', () => {
    for (const p of Object.keys(api.index().paths)) {
      const doc = api.document(p) as any;
      for (const r of refs(doc)) {
        assert.ok(r.startsWith('#/components/schemas/'), r);
        assert.ok(doc.components.schemas[r.slice('#/components/schemas/'.length)], `${p}: ${r}`);
      }
    }
  });

  test('properties: types and formats, allOf refs with descriptions, patch and int-or-string extensions', () => {
    const s = apps.components.schemas;
    const spec = s['io.k8s.api.apps.v1.DeploymentSpec'];
    assert.deepEqual(spec.required, ['selector', 'template']);
    assert.equal(spec.properties.replicas.type, 'integer');
    assert.equal(spec.properties.replicas.format, 'int32');
    assert.match(spec.properties.replicas.description, /Number of desired pods/);
    assert.deepEqual(spec.properties.strategy.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }]);
    assert.equal(spec.properties.strategy['x-kubernetes-patch-strategy'], 'retainKeys');

    const containers = s['io.k8s.api.core.v1.PodSpec'].properties.containers;
    assert.equal(containers.type, 'array');
    assert.deepEqual(containers.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(s['io.k8s.api.core.v1.PodSpec'].properties.volumes['x-kubernetes-patch-strategy'], 'merge,retainKeys');

    const surge = s['io.k8s.api.apps.v1.RollingUpdateDeployment'].properties.maxSurge;
    assert.equal(surge['x-kubernetes-int-or-string'], true);
    assert.deepEqual(surge.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }]);
    assert.equal(s['io.k8s.apimachinery.pkg.util.intstr.IntOrString']['x-kubernetes-int-or-string'], true);

    const limits = s['io.k8s.api.core.v1.ResourceRequirements'].properties.limits;
    assert.deepEqual(limits.additionalProperties, { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' });
    const created = s['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties.creationTimestamp;
    assert.deepEqual(created.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time' }]);
    assert.equal(s['io.k8s.apimachinery.pkg.apis.meta.v1.Time'].format, 'date-time');
  });
});

describe('schema names', () => {
  const namer = createSchemaNamer(reg, kinds);
  test('maps client-node models to upstream component names', () => {
    assert.equal(namer.name('V1Pod'), 'io.k8s.api.core.v1.Pod');
    assert.equal(namer.name('V1ObjectMeta'), 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.equal(namer.name('V1DeploymentSpec'), 'io.k8s.api.apps.v1.DeploymentSpec');
    assert.equal(namer.name('V1PodTemplateSpec'), 'io.k8s.api.core.v1.PodTemplateSpec');
    assert.equal(namer.name('CoreV1EventSeries'), 'io.k8s.api.core.v1.EventSeries');
    assert.equal(namer.name('EventsV1EventSeries'), 'io.k8s.api.events.v1.EventSeries');
    assert.equal(namer.name('V2HorizontalPodAutoscaler'), 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler');
    assert.equal(namer.name('V1ResourceAttributes'), 'io.k8s.api.authorization.v1.ResourceAttributes');
  });

  test('group packages follow upstream, custom groups are reversed domains', () => {
    assert.equal(groupPackage('rbac.authorization.k8s.io'), 'io.k8s.api.rbac');
    assert.equal(groupPackage('apiextensions.k8s.io'), 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions');
    assert.equal(groupPackage('flowcontrol.apiserver.k8s.io'), 'io.k8s.api.flowcontrol');
    assert.equal(groupPackage('batch'), 'io.k8s.api.batch');
    assert.equal(groupPackage('stable.example.com'), 'com.example.stable');
  });
});

void test('documents are built once and kept as text; each caller gets its own parsed copy', () => {
  let schemaReads = 0;
  // Every schema read counts: building a document reads the registry, serving a built one does not.
  const counted = new Proxy(reg, {
    get:
      (target, key: keyof typeof reg) =>
      (...args: [string]) => {
        schemaReads++;
        return (target[key] as (m: string) => unknown)(...args);
      },
  });
  const fresh = createOpenApiV3(counted, kinds, { version: 'v1.33.2' });
  const created = schemaReads;
  const index = fresh.index();
  assert.equal(schemaReads, created, 'the index builds no document');
  for (const p of Object.keys(index.paths)) assert.ok(fresh.documentText(p));
  const built = schemaReads;
  assert.ok(built > created);
  for (const p of Object.keys(index.paths)) assert.ok(fresh.documentText(p));
  fresh.index();
  assert.equal(schemaReads, built, 'built documents are served as they are');
  const d = fresh.document('apis/apps/v1') as { openapi: string };
  d.openapi = 'changed';
  assert.equal((fresh.document('apis/apps/v1') as { openapi: string }).openapi, '3.0.0', 'a caller changing its copy changes nothing else');
});
