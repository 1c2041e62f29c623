import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorFromResponse, errorText, networkError } from './errors';

test('Status objects become messages with a hint per reason', () => {
  const forbidden = errorFromResponse(
    403,
    { kind: 'Status', code: 403, reason: 'Forbidden', message: 'pods is forbidden: User "x" cannot list pods' },
    'pods',
  );
  assert.match(errorText(forbidden), /forbidden.*RBAC/);
  const unreachable = errorFromResponse(503, {
    kind: 'Status',
    code: 503,
    reason: 'ServiceUnavailable',
    message: 'cluster local is not reachable',
  });
  assert.match(unreachable.hint, /cannot be reached/);
  const invalid = errorFromResponse(422, {
    kind: 'Status',
    code: 422,
    reason: 'Invalid',
    message: 'Deployment "web" is invalid',
    details: { causes: [{ field: 'spec.replicas', message: 'must be >= 0' }] },
  });
  assert.equal(invalid.message, 'Deployment "web" is invalid: spec.replicas: must be >= 0');
  assert.equal(invalid.causes.length, 1);
  assert.equal(errorFromResponse(404, 'page not found').reason, 'NotFound');
  assert.match(errorText(networkError(new TypeError('Failed to fetch'))), /did not answer.*running/);
});

test("upstream's Forbidden wording becomes what the user lacks, in words", () => {
  const e = errorFromResponse(403, {
    kind: 'Status',
    code: 403,
    reason: 'Forbidden',
    message:
      'pods "web" is forbidden: User "system:serviceaccount:team:viewer" cannot delete resource "pods" in API group "" in the namespace "team"',
  });
  assert.match(e.hint, /^You \(system:serviceaccount:team:viewer\) lack delete on pods in namespace team \(RBAC\)/);
  const cluster = errorFromResponse(403, {
    kind: 'Status',
    code: 403,
    reason: 'Forbidden',
    message: 'nodes "n" is forbidden: User "u" cannot patch resource "nodes" in API group "" at the cluster scope',
  });
  assert.match(cluster.hint, /lack patch on nodes cluster-wide/);
  const sub = errorFromResponse(403, {
    kind: 'Status',
    code: 403,
    reason: 'Forbidden',
    message:
      'deployments.apps "d" is forbidden: User "u" cannot patch resource "deployments/scale" in API group "apps" in the namespace "a"',
  });
  assert.match(sub.hint, /lack patch on deployments\/scale \(apps\) in namespace a/);
});
