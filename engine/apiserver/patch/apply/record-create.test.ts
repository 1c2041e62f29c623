import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemaRegistry } from '../../../kinds/schema/schema';
import type { JsonObject } from '../json-value';
import { DEDUCED, type ApplyType } from './apply-type';
import type { FieldSet } from './field-set';
import { encodeManaged } from './managed-fields';
import { recordCreate, recordUpdate, type WriteContext } from './ownership';
import { fromCustomSchema, fromSchemaNode } from './schema-adapters';

const schemas = createSchemaRegistry();
const typeOf = (model: string) => fromSchemaNode(schemas.node(model));

// The endpoint rules field-manager.ts passes in: nothing dropped, status reset on the main
// resource, everything but status and metadata dropped on /status.
const ignores: Record<string, { subresource?: string; ignore(s: FieldSet): FieldSet }> = {
  none: { ignore: (s) => s },
  'status reset': {
    ignore: (s) => {
      const out = s.clone();
      out.children.delete('f:status');
      return out;
    },
  },
  '/status': {
    subresource: 'status',
    ignore: (s) => {
      const out = s.clone();
      for (const el of [...out.children.keys()]) if (el !== 'f:status' && el !== 'f:metadata') out.children.delete(el);
      return out;
    },
  },
};

/** The stored managedFields text each path produces: equal bytes, not just equal sets. */
function both(type: ApplyType, obj: JsonObject, rule: (typeof ignores)[string]) {
  const ctx: WriteContext = { type, manager: 'kube-controller-manager', apiVersion: 'v1', now: '2026-01-01T00:00:00Z', ...rule };
  return {
    fast: JSON.stringify(encodeManaged(recordCreate(ctx, structuredClone(obj)))),
    general: JSON.stringify(encodeManaged(recordUpdate(ctx, {}, structuredClone(obj), []))),
  };
}

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-abc',
    generateName: 'web-',
    namespace: 'default',
    uid: 'u',
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { app: 'web', 'pod-template-hash': 'abc' },
    annotations: {},
    finalizers: ['a/b', 'c/d'],
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'r', controller: true, blockOwnerDeletion: true }],
  },
  spec: {
    nodeSelector: { disk: 'ssd' },
    containers: [
      {
        name: 'app',
        image: 'registry.local/app:1',
        args: ['--a', '--b'],
        env: [
          { name: 'A', value: '1' },
          { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ],
        ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP', name: 'dns' }],
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: {} },
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      },
      { name: 'side', image: 'x', resources: {} },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    tolerations: [{ key: 'k', operator: 'Exists' }],
    affinity: null,
    restartPolicy: 'Always',
    undeclaredField: { nested: { deep: 1 }, list: [1, 2] },
  },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] },
};

const event = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web-abc.1', namespace: 'default', annotations: { a: 'b' } },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-abc', uid: 'u', apiVersion: 'v1' },
  reason: 'Scheduled',
  message: 'Successfully assigned default/web-abc to node-1',
  source: { component: 'default-scheduler' },
  firstTimestamp: '2026-01-01T00:00:00Z',
  lastTimestamp: '2026-01-01T00:00:00Z',
  count: 1,
  type: 'Normal',
  eventTime: null,
  reportingComponent: 'default-scheduler',
  reportingInstance: '',
};

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'scale', namespace: 'default', labels: {} },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'scale' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'scale' }, annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' } },
      spec: { containers: [{ name: 'app', image: 'registry.local/app:1', resources: { requests: { cpu: '10m' } } }] },
    },
  },
  status: { replicas: 0 },
};

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 's', namespace: 'default' },
  spec: {
    selector: { app: 'web' },
    ports: [
      { port: 80, targetPort: 8080 },
      { port: 53, protocol: 'UDP', targetPort: 'dns' },
    ],
    clusterIPs: ['10.0.0.1'],
  },
};

const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: '1', b: '' } };

const custom = {
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', labels: { a: 'b' } },
  spec: { size: 3, tags: ['x', 'y'], nested: { deeper: { map: { k: 'v' } }, empty: {} }, nothing: null },
  status: { ready: true },
};

const cases: [string, ApplyType, JsonObject][] = [
  ['pod', typeOf('V1Pod'), pod],
  ['event', typeOf('CoreV1Event'), event],
  ['deployment', typeOf('V1Deployment'), deployment],
  ['service', typeOf('V1Service'), service],
  ['config map', typeOf('V1ConfigMap'), configMap],
  ['custom resource, schema-less spec', fromCustomSchema(undefined, typeOf('V1ObjectMeta')), custom],
  ['object without a schema', DEDUCED, custom],
];

describe('managedFields of a create, the one-walk path', () => {
  for (const [name, type, obj] of cases) {
    for (const [rule, r] of Object.entries(ignores)) {
      test(`${name}, ${rule}: the bytes the general path stores`, () => {
        const { fast, general } = both(type, obj, r);
        assert.equal(fast, general);
      });
    }
  }

  test('maps created below the root are owned themselves, as upstream Update entries own them', () => {
    const { fast } = both(typeOf('V1Pod'), pod, ignores.none);
    const fields = (JSON.parse(fast) as { fieldsV1: JsonObject }[])[0].fieldsV1 as Record<string, JsonObject>;
    assert.deepEqual((fields['f:metadata'] as Record<string, JsonObject>)['f:labels']['.'], {});
    assert.deepEqual((fields['f:spec'] as Record<string, JsonObject>)['f:nodeSelector']['.'], {});
  });

  test('an object with only identity fields owns nothing', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } };
    const { fast, general } = both(typeOf('V1ConfigMap'), obj, ignores.none);
    assert.equal(fast, '[]');
    assert.equal(general, '[]');
  });

  test('duplicate list keys fail on both paths', () => {
    const obj = structuredClone(pod);
    obj.spec.containers.push({ name: 'app', image: 'y', resources: {} });
    const ctx: WriteContext = { type: typeOf('V1Pod'), manager: 'm', apiVersion: 'v1', now: 't', ignore: (s) => s };
    assert.throws(() => recordCreate(ctx, obj), /duplicate entries/);
    assert.throws(() => recordUpdate(ctx, {}, obj, []), /duplicate entries/);
  });
});
