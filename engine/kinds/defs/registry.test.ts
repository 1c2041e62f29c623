import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiVersionOf, builtinKinds, createKindRegistry, evictionKind, nameKindOf } from './registry';
import { existsSync } from 'node:fs';
import { kindsFromCrd } from '../custom/crd-kinds';

const kinds = createKindRegistry(builtinKinds());

test('lookups by resource, kind, short name and plural', () => {
  assert.equal(kinds.byResource('', 'v1', 'pods')?.kind, 'Pod');
  assert.equal(kinds.byResource('apps', 'v1', 'deployments')?.kind, 'Deployment');
  assert.equal(kinds.byResource('apps', 'v1', 'deploy'), undefined, 'URLs use plurals only');
  assert.equal(kinds.byKind('apps', 'Deployment')?.plural, 'deployments');
  assert.equal(kinds.byKind('autoscaling', 'HorizontalPodAutoscaler')?.version, 'v2');
  assert.equal(kinds.byKind('autoscaling', 'HorizontalPodAutoscaler', 'v1')?.model, 'V1HorizontalPodAutoscaler');
  const cases: [string, string, string][] = [
    ['po', '', 'Pod'],
    ['svc', '', 'Service'],
    ['deploy', 'apps', 'Deployment'],
    ['rs', 'apps', 'ReplicaSet'],
    ['sts', 'apps', 'StatefulSet'],
    ['ds', 'apps', 'DaemonSet'],
    ['cm', '', 'ConfigMap'],
    ['ns', '', 'Namespace'],
    ['no', '', 'Node'],
    ['ev', '', 'Event'],
    ['sa', '', 'ServiceAccount'],
    ['pv', '', 'PersistentVolume'],
    ['pvc', '', 'PersistentVolumeClaim'],
    ['quota', '', 'ResourceQuota'],
    ['limits', '', 'LimitRange'],
    ['rc', '', 'ReplicationController'],
    ['ep', '', 'Endpoints'],
    ['hpa', 'autoscaling', 'HorizontalPodAutoscaler'],
    ['pdb', 'policy', 'PodDisruptionBudget'],
    ['ing', 'networking.k8s.io', 'Ingress'],
    ['netpol', 'networking.k8s.io', 'NetworkPolicy'],
    ['cj', 'batch', 'CronJob'],
    ['sc', 'storage.k8s.io', 'StorageClass'],
    ['pc', 'scheduling.k8s.io', 'PriorityClass'],
    ['crd', 'apiextensions.k8s.io', 'CustomResourceDefinition'],
    ['crds', 'apiextensions.k8s.io', 'CustomResourceDefinition'],
    ['jobs', 'batch', 'Job'],
    ['pod', '', 'Pod'],
    ['Deployment', 'apps', 'Deployment'],
    ['deployments.apps', 'apps', 'Deployment'],
    ['endpointslices', 'discovery.k8s.io', 'EndpointSlice'],
    ['leases', 'coordination.k8s.io', 'Lease'],
  ];
  for (const [name, group, kind] of cases) {
    const d = kinds.resolve(name);
    assert.equal(`${d?.group}/${d?.kind}`, `${group}/${kind}`, name);
  }
  assert.equal(kinds.resolve('hpa')?.version, 'v2');
  assert.equal(kinds.resolve('nope'), undefined);
});

test('group versions and preferred versions', () => {
  const gvs = kinds.groupVersions();
  assert.deepEqual(gvs[0], { group: '', version: 'v1', preferred: true });
  assert.deepEqual(
    gvs.filter((g) => g.group === 'autoscaling'),
    [
      { group: 'autoscaling', version: 'v2', preferred: true },
      { group: 'autoscaling', version: 'v1', preferred: false },
    ],
  );
  assert.equal(apiVersionOf(kinds.byKind('', 'Pod')!), 'v1');
  assert.equal(apiVersionOf(kinds.byKind('apps', 'Deployment')!), 'apps/v1');
});

test('discovery facts: categories, verbs, subresources, scope, models', () => {
  const all = kinds.all();
  const inAll = all
    .filter((d) => d.categories.includes('all'))
    .map((d) => `${d.plural}.${d.version}`)
    .sort();
  assert.deepEqual(inAll, [
    'cronjobs.v1',
    'daemonsets.v1',
    'deployments.v1',
    'horizontalpodautoscalers.v1',
    'horizontalpodautoscalers.v2',
    'jobs.v1',
    'pods.v1',
    'replicasets.v1',
    'replicationcontrollers.v1',
    'services.v1',
    'statefulsets.v1',
  ]);
  assert.deepEqual(kinds.byKind('', 'Namespace')!.verbs, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
  assert.deepEqual(kinds.byKind('', 'Binding')!.verbs, ['create']);
  assert.equal(kinds.byKind('', 'Binding')!.virtual, true);
  assert.equal(kinds.byKind('', 'Endpoints')!.singular, 'endpoints');
  const scaled = all
    .filter((d) => d.subresources.scale)
    .map((d) => d.plural)
    .sort();
  assert.deepEqual(scaled, ['deployments', 'replicasets', 'replicationcontrollers', 'statefulsets']);
  assert.equal(kinds.byKind('', 'Node')!.namespaced, false);
  assert.equal(
    all.some((d) => d.kind === 'Eviction'),
    false,
    'eviction is only a pods subresource',
  );
  assert.equal(evictionKind.model, 'V1Eviction');
  // Unique resources per group/version.
  const keys = all.map((d) => `${d.group}/${d.version}/${d.plural}`);
  assert.equal(new Set(keys).size, keys.length);
  for (const d of [...all, evictionKind]) {
    assert.ok(existsSync(new URL(`../../../node_modules/@kubernetes/client-node/dist/gen/models/${d.model}.js`, import.meta.url)), d.model);
  }
  assert.equal(nameKindOf(kinds.byKind('', 'Service')!), 'dns1035-label');
  assert.equal(nameKindOf(kinds.byKind('rbac.authorization.k8s.io', 'Role')!), 'path-segment');
});

test('custom kinds from CRDs join and leave the lookups; they never shadow a built-in', () => {
  const reg = createKindRegistry(builtinKinds());
  const schema = { openAPIV3Schema: { type: 'object' } };
  const crd = (group: string, plural: string, kind: string) => ({
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, shortNames: ['wd'] },
      versions: [
        { name: 'v1beta1', served: true, storage: false, schema },
        { name: 'v1', served: true, storage: true, schema },
      ],
    },
  });
  reg.setCustomKinds([...kindsFromCrd(crd('skiff.dev', 'widgets', 'Widget')), ...kindsFromCrd(crd('apps', 'deployments', 'Fake'))]);
  assert.equal(reg.byResource('skiff.dev', 'v1beta1', 'widgets')?.kind, 'Widget');
  assert.equal(reg.resolve('wd')?.version, 'v1', 'the preferred version wins');
  assert.ok(reg.groupVersions().some((g) => g.group === 'skiff.dev' && g.version === 'v1' && g.preferred));
  assert.equal(reg.byResource('apps', 'v1', 'deployments')?.kind, 'Deployment');
  reg.setCustomKinds([]);
  assert.equal(reg.resolve('wd'), undefined);
  assert.ok(!reg.groupVersions().some((g) => g.group === 'skiff.dev'));
});
