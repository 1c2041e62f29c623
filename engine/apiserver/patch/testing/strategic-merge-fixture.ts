// Test-only: a hand-written slice of the Deployment schema with upstream's patch metadata,
// shared by the strategic merge tests.
import assert from 'node:assert/strict';
import type { SchemaField, SchemaNode } from '../../../kinds/schema/schema-types';
import { PatchError, strategicMergePatch } from '../strategic-merge';

const str: SchemaNode = { type: 'string' };
const int: SchemaNode = { type: 'integer' };
const field = (node: SchemaNode, meta: Partial<SchemaField> = {}): SchemaField => ({ node: () => node, ...meta });
const obj = (model: string, fields: Record<string, SchemaField>): SchemaNode => ({ type: 'object', model, fields });
const arr = (items: SchemaNode): SchemaNode => ({ type: 'array', items });
const mergeBy = (key: string) => ({ patchStrategy: 'merge' as const, patchMergeKey: key });

const envVar = obj('EnvVar', { name: field(str), value: field(str) });
const port = obj('ContainerPort', { containerPort: field(int), name: field(str), protocol: field(str) });
const container = obj('Container', {
  name: field(str),
  image: field(str),
  args: field(arr(str)),
  env: field(arr(envVar), mergeBy('name')),
  ports: field(arr(port), mergeBy('containerPort')),
});
const volume = obj('Volume', {
  name: field(str),
  emptyDir: field(obj('EmptyDirVolumeSource', { medium: field(str) })),
  configMap: field(obj('ConfigMapVolumeSource', { name: field(str) })),
});
const podSpec = obj('PodSpec', {
  containers: field(arr(container), mergeBy('name')),
  volumes: field(arr(volume), { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' }),
  nodeSelector: field({ type: 'map', values: str }),
  tolerations: field(arr(obj('Toleration', { key: field(str), effect: field(str) }))),
});
const meta = obj('ObjectMeta', {
  name: field(str),
  labels: field({ type: 'map', values: str }),
  annotations: field({ type: 'map', values: str }),
  finalizers: field(arr(str), { patchStrategy: 'merge' }),
  ownerReferences: field(arr(obj('OwnerReference', { uid: field(str), name: field(str) })), mergeBy('uid')),
});
const strategy = obj('DeploymentStrategy', {
  type: field(str),
  rollingUpdate: field(obj('RollingUpdateDeployment', { maxSurge: field({ type: 'int-or-string' }) })),
});
export const deployment = obj('Deployment', {
  metadata: field(meta),
  spec: field(
    obj('DeploymentSpec', {
      replicas: field(int),
      strategy: field(strategy, { patchStrategy: 'retainKeys' }),
      template: field(obj('PodTemplateSpec', { metadata: field(meta), spec: field(podSpec) })),
    }),
  ),
});

export function deploy(podSpecValue: any, extra: any = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, ...extra.metadata },
    spec: { replicas: 1, ...extra.spec, template: { metadata: { labels: { app: 'web' } }, spec: podSpecValue } },
  };
}
export const podPatch = (spec: any) => ({ spec: { template: { spec } } });
export const smp = (original: any, patch: any) => strategicMergePatch(original, patch, deployment);

export function patchError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PatchError, `expected PatchError, got ${err}`);
    return err;
  }
  assert.fail('expected a PatchError');
}
