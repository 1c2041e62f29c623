import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemaRegistry } from './schema';
import { checkObject, goStructName, goTypeName } from './strict-decode';

const reg = createSchemaRegistry();

const deployment = (spec: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx', ...container }] } },
    ...spec,
  },
  status: { replicas: 2 },
});

describe('checkObject', () => {
  test('a valid object has nothing to report', () => {
    assert.deepEqual(checkObject(reg, 'V1Deployment', deployment()), { unknownFields: [], typeErrors: [] });
  });

  test('reports an unknown field nested in a container by its full path', () => {
    const r = checkObject(reg, 'V1Deployment', deployment({}, { imagee: 'nginx' }));
    assert.deepEqual(r.unknownFields, ['spec.template.spec.containers[0].imagee']);
    assert.deepEqual(r.typeErrors, []);
  });

  test('field names are case-sensitive and unknown fields are found at every level', () => {
    const obj: any = deployment({ Replicas: 3 });
    obj.metadata.labelz = {};
    obj.extra = true;
    obj.spec.template.spec.containers[0].ports = [{ containerPort: 80, hostport: 1 }];
    const r = checkObject(reg, 'V1Deployment', obj);
    assert.deepEqual(r.unknownFields.sort(), [
      'extra',
      'metadata.labelz',
      'spec.Replicas',
      'spec.template.spec.containers[0].ports[0].hostport',
    ]);
  });

  test('words a wrong type as Go encoding/json does', () => {
    const r = checkObject(reg, 'V1Deployment', deployment({ replicas: '3' }));
    assert.deepEqual(r.typeErrors, [
      { path: 'spec.replicas', message: 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32' },
    ]);
    const r2 = checkObject(reg, 'V1Deployment', deployment({ paused: 'yes' }));
    assert.equal(r2.typeErrors[0].message, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool');
  });

  test('paths in type errors drop list indexes and map keys, like Go', () => {
    const obj: any = deployment({}, { ports: [{ containerPort: 1.5 }] });
    obj.metadata.labels.tier = 3;
    const msgs = checkObject(reg, 'V1Deployment', obj).typeErrors.map((e) => e.message);
    assert.deepEqual(msgs, [
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
      'json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32',
    ]);
  });

  test('names Go types of structs, slices and maps', () => {
    const r = checkObject(reg, 'V1Deployment', deployment({ strategy: 'Recreate', template: { spec: { containers: {} } } }));
    assert.deepEqual(r.typeErrors.map((e) => e.message).sort(), [
      'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container',
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.strategy of type v1.DeploymentStrategy',
    ]);
  });

  test('int-or-string accepts both; other values fail as an int32', () => {
    const ok = checkObject(reg, 'V1Deployment', deployment({ strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } }));
    assert.deepEqual(ok.typeErrors, []);
    const bad = checkObject(reg, 'V1Deployment', deployment({ strategy: { rollingUpdate: { maxSurge: true } } }));
    assert.equal(
      bad.typeErrors[0].message,
      'json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32',
    );
  });

  test('quantities accept strings and numbers and reject malformed ones', () => {
    const ok = checkObject(
      reg,
      'V1Deployment',
      deployment({}, { resources: { limits: { cpu: '500m', memory: 128974848 }, requests: { cpu: 0.5 } } }),
    );
    assert.deepEqual(ok.typeErrors, []);
    const bad = checkObject(reg, 'V1Deployment', deployment({}, { resources: { limits: { cpu: 'lots' } } }));
    assert.equal(bad.typeErrors[0].path, 'spec.template.spec.containers[0].resources.limits.cpu');
    assert.match(bad.typeErrors[0].message, /^quantities must match the regular expression/);
  });

  test('any accepts anything; null is always fine', () => {
    const rev = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'r' },
      revision: 1,
      data: { whatever: [1, 'x', { y: null }] },
    };
    assert.deepEqual(checkObject(reg, 'V1ControllerRevision', rev), { unknownFields: [], typeErrors: [] });
    assert.deepEqual(checkObject(reg, 'V1Deployment', deployment({ replicas: null, strategy: null })).typeErrors, []);
  });

  test('checks timestamps and base64 data', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', creationTimestamp: '2024-02-30T00:00:00Z' },
      data: { a: 'aGk=', b: 'not base64!' },
    };
    const r = checkObject(reg, 'V1Secret', secret);
    assert.deepEqual(r.typeErrors, [
      { path: 'metadata.creationTimestamp', message: 'parsing time "2024-02-30T00:00:00Z": day out of range' },
      { path: 'data.b', message: 'illegal base64 data at input byte 3' },
    ]);
    const r2 = checkObject(reg, 'V1Secret', { metadata: { creationTimestamp: 5 } });
    assert.equal(
      r2.typeErrors[0].message,
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string',
    );
  });

  test('apiVersion, kind, metadata and status are accepted at the top of any model', () => {
    const r = checkObject(reg, 'V1Binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'p', bogus: 1 },
      status: {},
      target: { name: 'n' },
    });
    assert.deepEqual(r.unknownFields, ['metadata.bogus']);
  });

  test('a body that is not an object is a type error on the whole value', () => {
    const r = checkObject(reg, 'V1Pod', []);
    assert.equal(r.typeErrors[0].message, 'json: cannot unmarshal array into Go value of type v1.Pod');
  });
});

describe('Go names', () => {
  test('struct and type names follow the Go packages', () => {
    assert.equal(goStructName('V1PodSpec'), 'PodSpec');
    assert.equal(goStructName('CoreV1EventSeries'), 'EventSeries');
    assert.equal(goStructName('V1beta1DeviceClass'), 'DeviceClass');
    assert.equal(goTypeName(reg.node('V2HorizontalPodAutoscalerSpec'), ''), 'v2.HorizontalPodAutoscalerSpec');
    assert.equal(goTypeName(reg.fields('V1ResourceRequirements').limits.node(), ''), 'v1.ResourceList');
    assert.equal(goTypeName(reg.fields('V1Secret').data.node(), 'byte'), 'map[string][]uint8');
  });
});

test('null list items become the zero value, as Go decodes them (no later step meets a null)', () => {
  const svc = { metadata: { name: 's' }, spec: { ports: [null, { port: 80 }], externalIPs: [null] } };
  assert.deepEqual(checkObject(reg, 'V1Service', svc), { unknownFields: [], typeErrors: [] });
  assert.deepEqual(svc.spec.ports, [{}, { port: 80 }]);
  assert.deepEqual(svc.spec.externalIPs, ['']);
});
