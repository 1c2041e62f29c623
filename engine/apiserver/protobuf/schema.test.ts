import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemas, messageForKind, packageOf } from './schema';
import { inlineFields, jsonNames } from './json-shape';
import { wellKnown } from './well-known';
import { protoSource, protoZeroHints } from './gen/fields';

const schemas = createSchemas();

describe('generated field table', () => {
  test('names its source release and carries zero-value hints', () => {
    assert.match(protoSource, /Kubernetes v1\.33/);
    assert.equal(protoZeroHints, true);
    assert.equal(schemas.zeroHints, true);
  });

  test('every referenced message is in the table or converted specially', () => {
    const missing: string[] = [];
    for (const name of schemas.names()) {
      for (const f of schemas.message(name)!.byNumber.values()) {
        for (const t of f.map ? [f.map.key, f.map.value] : [f.type]) {
          if ('message' in t && !schemas.has(t.message) && !wellKnown[t.message]) missing.push(`${name}.${f.name} -> ${t.message}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  test('inline fields and JSON renames point at real message fields', () => {
    for (const id of [...inlineFields, ...Object.keys(jsonNames)]) {
      const dot = id.lastIndexOf('.');
      const msg = schemas.message(id.slice(0, dot));
      assert.ok(msg?.byName.has(id.slice(dot + 1)), `${id} is not in the table`);
    }
  });

  test('field numbers of a few well-known messages', () => {
    const numbers = (name: string) => Object.fromEntries([...schemas.message(name)!.byName].map(([n, f]) => [n, f.number]));
    assert.deepEqual(numbers('k8s.io.apimachinery.pkg.runtime.Unknown'), { typeMeta: 1, raw: 2, contentEncoding: 3, contentType: 4 });
    assert.deepEqual(numbers('k8s.io.apimachinery.pkg.runtime.TypeMeta'), { apiVersion: 1, kind: 2 });
    assert.equal(numbers('k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta').managedFields, 17);
    const replicas = schemas.message('k8s.io.api.apps.v1.DeploymentSpec')!.byName;
    assert.equal(replicas.get('replicas')!.omitZero, false, '*int32: zero is meaningful');
    assert.equal(replicas.get('minReadySeconds')!.omitZero, true, 'int32 omitempty');
  });
});

describe('messageForKind', () => {
  test('maps group/version/kind to proto messages', () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['v1', 'ConfigMap', 'k8s.io.api.core.v1.ConfigMap'],
      ['apps/v1', 'Deployment', 'k8s.io.api.apps.v1.Deployment'],
      ['authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'k8s.io.api.authorization.v1.SelfSubjectAccessReview'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'k8s.io.api.rbac.v1.RoleBinding'],
      ['networking.k8s.io/v1', 'Ingress', 'k8s.io.api.networking.v1.Ingress'],
      ['autoscaling/v1', 'Scale', 'k8s.io.api.autoscaling.v1.Scale'],
      ['policy/v1', 'Eviction', 'k8s.io.api.policy.v1.Eviction'],
      ['meta.k8s.io/v1', 'DeleteOptions', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions'],
      ['batch/v1', 'DeleteOptions', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions'],
      ['apps/v1', 'ConfigMap', undefined],
      ['example.com/v1', 'Widget', undefined],
      ['v1', '', undefined],
    ];
    for (const [apiVersion, kind, want] of cases) assert.equal(messageForKind(schemas, apiVersion, kind), want, `${apiVersion} ${kind}`);
    assert.equal(packageOf('flowcontrol.apiserver.k8s.io', 'v1'), 'k8s.io.api.flowcontrol.v1');
    assert.equal(packageOf('internal.apiserver.k8s.io', 'v1alpha1'), 'k8s.io.api.apiserverinternal.v1alpha1');
  });
});
