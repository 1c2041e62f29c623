import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinKinds } from '../../../kinds/defs/registry';
import type { KubeObject } from '../../../kinds/types';
import type { Attributes } from '../../authz/request-info';
import { createPolicyAdmission } from './policy-admission';
import type { AdmissionRequest } from '../admission-request';

const deployments = builtinKinds().find((k) => k.group === 'apps' && k.plural === 'deployments' && k.version === 'v1')!;

const policy = (spec: object): KubeObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'p.skiff.test', uid: 'u1', resourceVersion: '1' },
  spec: {
    failurePolicy: 'Fail',
    matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['*'], resources: ['deployments'] }] },
    ...spec,
  },
});
const binding: KubeObject = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name: 'b' },
  spec: { policyName: 'p.skiff.test', validationActions: ['Deny'] },
};
const deployment = (replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'team-a' },
  spec: { replicas },
});

function setup(spec: object, allowed: (a: Attributes) => boolean) {
  const asked: Attributes[] = [];
  const annotations: Record<string, string> = {};
  const admission = createPolicyAdmission({
    policies: () => Promise.resolve([policy(spec)]),
    bindings: () => Promise.resolve([binding]),
    namespace: () => Promise.resolve(undefined),
    params: () => Promise.resolve([]),
    authorize: (a) => {
      asked.push(a);
      return Promise.resolve({ allowed: allowed(a), reason: allowed(a) ? 'RBAC: allowed by test' : '' });
    },
  });
  const request = (user: string): AdmissionRequest => ({
    user: { user, groups: ['system:authenticated'] },
    warn() {},
    annotate: (k, v) => void (annotations[k] = v),
  });
  const create = (replicas: number, user = 'alice') =>
    admission.admitValid!(deployments, deployment(replicas), undefined, false, request(user), '');
  return { asked, annotations, create };
}

test('vap authorizer: checks run as the requesting user (or a ServiceAccount) through the cluster authorizer', async () => {
  const s = setup(
    {
      validations: [
        {
          expression:
            "object.spec.replicas <= 3 || authorizer.group('apps').resource('deployments').subresource('scale').namespace(object.metadata.namespace).check('big').allowed()",
          messageExpression: "'replicas over 3 need the big verb: ' + authorizer.requestResource.check('big').reason()",
        },
      ],
    },
    (a) => a.user.user === 'admin',
  );
  await s.create(2); // no check needed: || short-circuits
  assert.equal(s.asked.length, 0);
  await s.create(5, 'admin');
  assert.deepEqual(
    [s.asked[0].user.user, s.asked[0].verb, s.asked[0].apiGroup, s.asked[0].resource, s.asked[0].subresource, s.asked[0].namespace],
    ['admin', 'big', 'apps', 'deployments', 'scale', 'team-a'],
  );
  await assert.rejects(s.create(5, 'alice'), (e: Error) => {
    assert.match(
      e.message,
      /ValidatingAdmissionPolicy 'p\.skiff\.test' with binding 'b' denied request: replicas over 3 need the big verb: $/,
    );
    return true;
  });
  // requestResource is the request's own resource; path() checks are non-resource.
  const last = s.asked.at(-1)!;
  assert.deepEqual([last.resource, last.name, last.resourceRequest], ['deployments', 'web', true]);

  const sa = setup(
    { validations: [{ expression: "authorizer.serviceAccount('ci', 'deployer').path('/healthz').check('get').allowed()" }] },
    (a) => a.user.user === 'system:serviceaccount:ci:deployer' && a.path === '/healthz' && !a.resourceRequest,
  );
  await sa.create(1);
  assert.deepEqual(sa.asked[0].user.groups, ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated']);
});

test('vap auditAnnotations: values keyed "<policy>/<key>", null and empty left out', async () => {
  const s = setup(
    {
      validations: [{ expression: 'true' }],
      auditAnnotations: [
        { key: 'high-replicas', valueExpression: "object.spec.replicas > 3 ? 'replicas: ' + string(object.spec.replicas) : null" },
        { key: 'empty', valueExpression: "''" },
      ],
    },
    () => true,
  );
  await s.create(2);
  assert.deepEqual(s.annotations, {});
  await s.create(7);
  assert.deepEqual(s.annotations, { 'p.skiff.test/high-replicas': 'replicas: 7' });
  // A valueExpression of another type is an evaluation error: failurePolicy Fail refuses.
  const bad = setup({ validations: [{ expression: 'true' }], auditAnnotations: [{ key: 'n', valueExpression: '1' }] }, () => true);
  await assert.rejects(bad.create(1), /unsupported return type: int/);
});
