import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deepEqual,
  formatFieldError,
  isQualifiedName,
  stableJson,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './validation';
import { deploymentKind } from '../defs/kinds-apps';
import { serviceKind } from '../defs/kinds-core-service';
import { podKind } from '../defs/kinds-core-pod';
import { configMapKind } from '../defs/kinds-core';
import type { KubeObject } from '../types';

const msgs = (errs: { field: string; message: string; reason: string }[]) => errs.map(formatFieldError);

test('metadata.name must be a DNS-1123 subdomain, with the upstream wording', () => {
  const errs = validateObjectMeta({ metadata: { name: 'Bad_Name', namespace: 'default' } }, true, 'subdomain');
  assert.deepEqual(msgs(errs), [
    `metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
  ]);
  assert.equal(errs[0].reason, 'FieldValueInvalid');
});

test('name or generateName is required; namespaces use DNS labels; cluster objects have no namespace', () => {
  assert.deepEqual(msgs(validateObjectMeta({ metadata: { namespace: 'default' } }, true, 'subdomain')), [
    'metadata.name: Required value: name or generateName is required',
  ]);
  assert.deepEqual(
    msgs(validateObjectMeta({ metadata: { generateName: 'web-', name: 'web-x7k2p', namespace: 'd' } }, true, 'subdomain')),
    [],
  );
  const label = msgs(validateObjectMeta({ metadata: { name: 'a.b' } }, false, 'label'));
  assert.deepEqual(label, ['metadata.name: Invalid value: "a.b": must not contain dots']);
  assert.deepEqual(msgs(validateObjectMeta({ metadata: { name: 'n1', namespace: 'x' } }, false, 'subdomain')), [
    'metadata.namespace: Forbidden: not allowed on this type',
  ]);
  assert.deepEqual(msgs(validateObjectMeta({ metadata: { name: 'n1' } }, true, 'subdomain')), ['metadata.namespace: Required value']);
  const long = 'a'.repeat(64);
  assert.match(msgs(validateObjectMeta({ metadata: { name: long } }, false, 'label'))[0], /must be no more than 63 characters/);
});

test('label keys and values', () => {
  const errs = msgs(validateLabels({ 'bad key': 'ok', app: 'no spaces' }, 'metadata.labels'));
  assert.equal(errs.length, 2);
  assert.match(errs[0], /^metadata\.labels: Invalid value: "bad key": name part must consist of alphanumeric characters/);
  assert.match(errs[1], /^metadata\.labels: Invalid value: "no spaces": a valid label must be an empty string or consist of/);
  assert.deepEqual(isQualifiedName('example.com/app'), []);
  assert.deepEqual(isQualifiedName('/app'), ['prefix part must be non-empty']);
  assert.deepEqual(isQualifiedName('a/b/c').length, 1);
});

test('metadata update keeps identity fields', () => {
  const old: KubeObject = { metadata: { name: 'a', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z' } };
  const errs = msgs(validateObjectMetaUpdate({ metadata: { name: 'a', uid: 'u2', creationTimestamp: '2024-01-01T00:00:00Z' } }, old));
  assert.deepEqual(errs, ['metadata.uid: Invalid value: "u2": field is immutable']);
});

function deployment(spec: any): KubeObject {
  const d: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec };
  deploymentKind.defaults!(d);
  return d;
}

test('deployment: image required, selector required, selector must match template labels', () => {
  const noImage = deployment({
    selector: { matchLabels: { app: 'x' } },
    template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'a' }] } },
  });
  assert.deepEqual(msgs(deploymentKind.validate!(noImage)), ['spec.template.spec.containers[0].image: Required value']);

  const noSelector = deployment({
    template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } },
  });
  assert.deepEqual(msgs(deploymentKind.validate!(noSelector)), ['spec.selector: Required value']);

  const mismatch = deployment({
    selector: { matchLabels: { app: 'y' } },
    template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } },
  });
  assert.deepEqual(msgs(deploymentKind.validate!(mismatch)), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
  ]);
});

test('deployment: selector is immutable, restartPolicy must be Always', () => {
  const tpl = { metadata: { labels: { app: 'x', v: '1' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } };
  const old = deployment({ selector: { matchLabels: { app: 'x' } }, template: tpl });
  const next = deployment({ selector: { matchLabels: { app: 'x', v: '1' } }, template: tpl });
  assert.deepEqual(msgs(deploymentKind.validate!(next, old)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x", "v":"1"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
  const never = deployment({
    selector: { matchLabels: { app: 'x' } },
    template: { ...tpl, spec: { ...tpl.spec, restartPolicy: 'Never' } },
  });
  assert.deepEqual(msgs(deploymentKind.validate!(never)), [
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ]);
});

function pod(spec: any): KubeObject {
  const p: KubeObject = { metadata: { name: 'p', namespace: 'default' }, spec };
  podKind.defaults!(p);
  return p;
}

test('pod: duplicate container names, port range, request above limit', () => {
  const dup = pod({
    containers: [
      { name: 'app', image: 'a' },
      { name: 'app', image: 'b' },
    ],
  });
  assert.deepEqual(msgs(podKind.validate!(dup)), ['spec.containers[1].name: Duplicate value: "app"']);
  const port = pod({ containers: [{ name: 'app', image: 'a', ports: [{ containerPort: 70000 }] }] });
  assert.deepEqual(msgs(podKind.validate!(port)), [
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
  ]);
  const res = pod({ containers: [{ name: 'app', image: 'a', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] });
  assert.deepEqual(msgs(podKind.validate!(res)), [
    'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
  ]);
  const mount = pod({ containers: [{ name: 'app', image: 'a', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] });
  assert.deepEqual(msgs(podKind.validate!(mount)), ['spec.containers[0].volumeMounts[0].name: Not found: "data"']);
});

test('pod: spec updates other than images are forbidden', () => {
  const old = pod({ containers: [{ name: 'app', image: 'nginx:1' }] });
  const image = pod({ containers: [{ name: 'app', image: 'nginx:2' }] });
  assert.deepEqual(podKind.validate!(image, old), []);
  const ports = pod({ containers: [{ name: 'app', image: 'nginx:1', ports: [{ containerPort: 80 }] }] });
  const errs = podKind.validate!(ports, old);
  assert.equal(errs.length, 1);
  assert.equal(errs[0].field, 'spec');
  assert.ok(
    errs[0].message.startsWith(
      'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ),
  );
  const bound = pod({ containers: [{ name: 'app', image: 'nginx:1' }], nodeName: 'n1' });
  assert.deepEqual(podKind.validate!(bound, old), [], 'binding sets nodeName once');
  assert.equal(podKind.validate!(pod({ containers: [{ name: 'app', image: 'nginx:1' }], nodeName: 'n2' }), bound).length, 1);
  const tolerations = pod({ containers: [{ name: 'app', image: 'nginx:1' }], tolerations: [{ key: 'k', operator: 'Exists' }] });
  assert.deepEqual(podKind.validate!(tolerations, old), []);
});

test('service: port range, names for several ports, clusterIP immutable', () => {
  const svc = (spec: any): KubeObject => {
    const s: KubeObject = { metadata: { name: 's', namespace: 'default' }, spec };
    serviceKind.defaults!(s);
    return s;
  };
  assert.deepEqual(msgs(serviceKind.validate!(svc({ ports: [{ port: 70000 }] }))), [
    'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
  ]);
  assert.deepEqual(msgs(serviceKind.validate!(svc({ ports: [{ port: 80 }, { port: 81 }] }))), [
    'spec.ports[0].name: Required value',
    'spec.ports[1].name: Required value',
  ]);
  const old = svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.10' });
  const changed = svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.11' });
  assert.deepEqual(msgs(serviceKind.validate!(changed, old)), [
    'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set',
  ]);
  const omitted = svc({ ports: [{ port: 80 }] });
  serviceKind.prepareForUpdate!(omitted, old);
  assert.equal(omitted.spec.clusterIP, '10.96.0.10');
});

test('configmap with immutable: true rejects data changes', () => {
  const old: KubeObject = { metadata: { name: 'c' }, immutable: true, data: { a: '1' } };
  const next: KubeObject = { metadata: { name: 'c' }, immutable: true, data: { a: '2' } };
  assert.deepEqual(msgs(configMapKind.validate!(next, old)), ['data: Forbidden: field is immutable when `immutable` is set']);
  assert.deepEqual(msgs(configMapKind.validate!({ metadata: { name: 'c' }, data: { 'bad/key': 'x' } })), [
    "data[bad/key]: Invalid value: \"bad/key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
});

test('deepEqual answers as comparing stableJson strings does, without building them', () => {
  const values: unknown[] = [
    undefined,
    null,
    0,
    -0,
    1,
    NaN,
    '',
    '1',
    'null',
    true,
    false,
    [],
    {},
    [null],
    [undefined],
    [1, 2],
    [2, 1],
    { a: 1 },
    { a: 1, b: undefined },
    { b: undefined, a: 1 },
    { a: null },
    { a: undefined },
    { a: [1, { b: 'x' }] },
    { a: [1, { b: 'y' }] },
    { constructor: 1 },
    { a: 1, constructor: 1 },
    { a: 1, b: 2 },
    { b: 2, a: 1 },
    { a: { c: [] } },
    { a: { c: {} } },
  ];
  for (const a of values)
    for (const b of values) {
      const want = stableJson(a) === stableJson(b);
      assert.equal(deepEqual(a, b), want, `${stableJson(a)} vs ${stableJson(b)}`);
    }
  // Distinct objects of the same content, nested, in other key orders.
  const spec = { versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', properties: { x: { type: 'string' } } } } }] };
  const reordered = JSON.parse(JSON.stringify({ versions: [{ schema: spec.versions[0].schema, name: 'v1' }] })) as typeof spec;
  assert.equal(deepEqual(spec, reordered), true);
  reordered.versions[0].schema.openAPIV3Schema.properties.x.type = 'integer';
  assert.equal(deepEqual(spec, reordered), false);
});
