import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K8sError, errorFromResponse } from '../k8s/errors';
import { parseDocument } from 'yaml';
import { conflictDiagnostics, conflictSummary, fieldConflicts } from './apply-conflicts';

const status = {
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message: 'Apply failed with 2 conflicts: conflicts with "kubectl":\n- .data.a\n- .data.b',
  reason: 'Conflict',
  code: 409,
  details: {
    causes: [
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.data.a' },
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using v1', field: '.data.b' },
    ],
  },
};

test('a server-side apply 409 becomes field conflicts, described per manager', () => {
  const conflicts = fieldConflicts(errorFromResponse(409, status));
  assert.deepEqual(conflicts, [
    { field: '.data.a', manager: '"kubectl"' },
    { field: '.data.b', manager: '"kubectl-edit" using v1' },
  ]);
  assert.equal(
    conflictSummary(conflicts ?? []),
    'Server-side apply conflict: your manifest changes 2 fields another manager owns: .data.a (managed by "kubectl"); ' +
      '.data.b (managed by "kubectl-edit" using v1). Force apply takes them over; or leave them out of your text.',
  );
});

test('other errors, a resourceVersion conflict included, are not field conflicts', () => {
  assert.equal(fieldConflicts(new K8sError('the object has been modified', 409, 'Conflict', '')), undefined);
  assert.equal(fieldConflicts(new Error('x')), undefined);
});

test('each conflict is placed on the line of its field, list items found by their keys', () => {
  const text = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: p',
    '  labels:',
    '    app.kubernetes.io/name: web',
    'spec:',
    '  containers:',
    '  - name: a',
    '    image: one',
    '  - name: b',
    '    image: two',
    '    ports:',
    '    - containerPort: 80',
    '      protocol: TCP',
    '',
  ].join('\n');
  const doc = parseDocument(text);
  const lines = conflictDiagnostics(text, doc, [
    { field: '.spec.containers[name="b"].image', manager: '"kubectl"' },
    { field: '.spec.containers[name="b"].ports[containerPort=80,protocol="TCP"].protocol', manager: '"helm"' },
    { field: '.metadata.labels.app.kubernetes.io/name', manager: '"kustomize"' },
  ]).map((d) => [d.line, d.message]);
  assert.deepEqual(lines, [
    [12, '.spec.containers[name="b"].image is managed by "kubectl": Force apply takes it over'],
    [15, '.spec.containers[name="b"].ports[containerPort=80,protocol="TCP"].protocol is managed by "helm": Force apply takes it over'],
    [6, '.metadata.labels.app.kubernetes.io/name is managed by "kustomize": Force apply takes it over'],
  ]);
});
