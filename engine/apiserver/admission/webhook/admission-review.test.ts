import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReview, reviewVersion, verifyReview } from './admission-review';

import { podKind as podDef } from '../../../kinds/defs/kinds-core-pod';
import { deploymentKind } from '../../../kinds/defs/kinds-apps';
import { attributesOf } from './types';
import { toScale } from '../../subresources/subresources-common';

interface SentReview {
  apiVersion: string;
  request: Record<string, unknown>;
}
const ok = (response: object, apiVersion = 'admission.k8s.io/v1') => ({
  apiVersion,
  kind: 'AdmissionReview',
  response: { uid: 'u1', ...response },
});
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

test('the request carries kind, resource, operation, user, objects and dry run as upstream', () => {
  const obj = { metadata: { name: 'p', namespace: 'ns' } };
  const r = buildReview('u1', 'v1', {
    operation: 'UPDATE',
    def: podDef,
    subresource: 'status',
    namespace: 'ns',
    name: 'p',
    object: obj,
    oldObject: obj,
    dryRun: true,
    user: { user: 'alice', groups: ['dev'] },
  }) as SentReview;
  assert.equal(r.apiVersion, 'admission.k8s.io/v1');
  assert.deepEqual(r.request.kind, { group: '', version: 'v1', kind: 'Pod' });
  assert.deepEqual(r.request.resource, { group: '', version: 'v1', resource: 'pods' });
  assert.equal(r.request.subResource, 'status');
  assert.deepEqual(r.request.object, { apiVersion: 'v1', kind: 'Pod', ...obj }, 'type meta filled in');
  assert.equal(r.request.operation, 'UPDATE');
  assert.deepEqual(r.request.userInfo, { username: 'alice', groups: ['dev'] });
  assert.equal(r.request.dryRun, true);
  assert.deepEqual(r.request.options, { apiVersion: 'meta.k8s.io/v1', kind: 'UpdateOptions', dryRun: ['All'] });
  assert.equal(reviewVersion({ name: 'w', clientConfig: {}, admissionReviewVersions: ['v2', 'v1beta1'] }), 'v1beta1');
});

test('a well-formed answer is read: allowed, patch, warnings, status', () => {
  const r = verifyReview(
    'u1',
    'v1',
    true,
    ok({ allowed: true, patchType: 'JSONPatch', patch: b64([{ op: 'add', path: '/a', value: 1 }]), warnings: ['w1'] }),
  );
  assert.equal(r.allowed, true);
  assert.deepEqual(JSON.parse(r.patch!.toString()), [{ op: 'add', path: '/a', value: 1 }]);
  assert.deepEqual(r.warnings, ['w1']);
  const d = verifyReview('u1', 'v1', false, ok({ allowed: false, status: { code: 403, message: 'no' } }));
  assert.equal(d.allowed, false);
  assert.equal(d.status?.message, 'no');
});

test('malformed answers are refused with upstream wording', () => {
  assert.throws(
    () => verifyReview('u1', 'v1', false, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
    /webhook response was absent/,
  );
  assert.throws(() => verifyReview('u2', 'v1', false, ok({ allowed: true })), /expected response.uid="u2", got "u1"/);
  assert.throws(
    () => verifyReview('u1', 'v1', false, ok({ allowed: true }, 'admission.k8s.io/v1beta1')),
    /expected webhook response of admission.k8s.io\/v1, Kind=AdmissionReview, got admission.k8s.io\/v1beta1, Kind=AdmissionReview/,
  );
  assert.throws(
    () => verifyReview('u1', 'v1', false, ok({ allowed: true, patch: b64([]) })),
    /validating webhook may not return response.patch/,
  );
  assert.throws(() => verifyReview('u1', 'v1', true, ok({ allowed: true, patch: b64([]) })), /response.patch but not response.patchType/);
  assert.throws(
    () => verifyReview('u1', 'v1', true, ok({ allowed: true, patchType: 'JSONPatch' })),
    /response.patchType but not response.patch/,
  );
  assert.throws(
    () => verifyReview('u1', 'v1', true, ok({ allowed: true, patchType: 'Merge', patch: b64({}) })),
    /invalid response.patchType of "Merge"/,
  );
});

test("deployments/scale: the review's kind is autoscaling/v1 Scale, its resource the Deployment's, its objects Scales", () => {
  const dep = (replicas: number) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns', resourceVersion: '7' },
    spec: { replicas, selector: { matchLabels: { app: 'web' } } },
    status: { replicas: 1 },
  });
  const a = attributesOf(
    deploymentKind,
    toScale(deploymentKind, dep(5)),
    toScale(deploymentKind, dep(1)),
    'UPDATE',
    false,
    undefined,
    'scale',
  );
  const r = buildReview('u1', 'v1', a) as SentReview;
  assert.deepEqual(r.request.kind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.deepEqual(r.request.requestKind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.deepEqual(r.request.resource, { group: 'apps', version: 'v1', resource: 'deployments' });
  assert.equal(r.request.subResource, 'scale');
  const object = r.request.object as { apiVersion: string; kind: string; spec: object; status: object };
  assert.equal(`${object.apiVersion} ${object.kind}`, 'autoscaling/v1 Scale');
  assert.deepEqual(object.spec, { replicas: 5 });
  assert.deepEqual((r.request.oldObject as { spec: object }).spec, { replicas: 1 });
  assert.deepEqual(object.status, { replicas: 1, selector: 'app=web' });
});
