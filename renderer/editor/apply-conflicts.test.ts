import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K8sError, errorFromResponse } from '../k8s/errors';
import { conflictSummary, fieldConflicts } from './apply-conflicts';

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
