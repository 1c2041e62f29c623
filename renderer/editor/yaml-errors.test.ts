import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K8sError } from '../k8s/errors';
import { parseFieldPath, parseManifest, serverDiagnostics } from './yaml-errors';

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  foo: bar
  template:
    spec:
      containers:
        - name: web
          image: busybox
          imagePullPolicyy: Never
`;

test('syntax errors come with line and column; the text is untouched', () => {
  const bad = 'a: 1\nb: [\n  c: d\n';
  const p = parseManifest(bad);
  assert.ok(p.errors.length > 0);
  assert.ok(p.errors[0].line >= 2, `line ${p.errors[0].line}`);
  assert.equal(p.errors[0].source, 'yaml');
  assert.match(parseManifest('- a\n- b\n').errors[0].message, /one object/);
  assert.match(parseManifest('a: 1\n---\nb: 2\n').errors[0].message, /Only one object/);
  assert.deepEqual(parseManifest(manifest).errors, []);
});

test('field paths parse with indices', () => {
  assert.deepEqual(parseFieldPath('spec.template.spec.containers[0].imagePullPolicyy'), [
    'spec',
    'template',
    'spec',
    'containers',
    0,
    'imagePullPolicyy',
  ]);
  assert.deepEqual(parseFieldPath('metadata.labels'), ['metadata', 'labels']);
});

test('strict decoding errors land on the unknown field\u2019s line', () => {
  const err = new K8sError(
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
    400,
    'BadRequest',
    '',
  );
  const d = serverDiagnostics(manifest, err);
  assert.deepEqual(
    d.map((x) => x.line),
    [7, 13],
  );
  assert.match(d[0].message, /unknown field "spec.foo"/);
});

test('Invalid causes land on their field; unknown fields fall back to line 1', () => {
  const err = new K8sError('Deployment "web" is invalid', 422, 'Invalid', '', [
    { field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' },
    { field: 'spec.nothere.deep', message: 'Required value' },
    { message: 'something without a field' },
  ]);
  const d = serverDiagnostics(manifest, err);
  assert.deepEqual(
    d.map((x) => x.line),
    [6, 5, 1],
  );
  assert.match(d[0].message, /^spec.replicas: Invalid value/);
});

void test('a missing namespace lands on metadata.namespace; an unclosed quote where it opens', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: nope\ndata:\n  a: b\n';
  const err = new K8sError('namespaces "nope" not found', 404, 'NotFound', '', [], {
    kind: 'Status',
    code: 404,
    reason: 'NotFound',
    message: 'namespaces "nope" not found',
    details: { name: 'nope', kind: 'namespaces' },
  } as never);
  const d = serverDiagnostics(text, err);
  assert.deepEqual(
    d.map((x) => [x.line, x.message]),
    [[5, 'namespace "nope" does not exist: create it first, or pick another namespace']],
  );
  const quoted = parseManifest('a: 1\nb: "x\nc: 2\nd: 3\n');
  assert.equal(quoted.errors[0].line, 2);
  assert.equal(quoted.errors[0].message, 'Missing closing " quote: the string opened on line 2 never ends.');
});
