import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore } from '../testing/test-cluster';
import { R } from '../../client/types';
import type { Attributes } from './request-info';

const RBAC = 'rbac.authorization.k8s.io';
const ref = (plural: string) => ({ group: RBAC, version: 'v1', plural });
const sa = { user: 'system:serviceaccount:a:app', groups: ['system:serviceaccounts', 'system:serviceaccounts:a', 'system:authenticated'] };
const ask = (o: Partial<Attributes>): Attributes => ({
  user: sa,
  verb: 'get',
  resourceRequest: true,
  path: '',
  apiGroup: '',
  apiVersion: 'v1',
  namespace: 'a',
  resource: 'pods',
  subresource: '',
  name: '',
  ...o,
});

void test('RoleBindings grant a ClusterRole in their namespace only; changes apply to the next request', async () => {
  const c = await startTestCore();
  try {
    const authz = c.core.authorization.authorizer;
    await c.client.create(R.namespaces, undefined, { metadata: { name: 'a' } });
    assert.equal((await authz.authorize(ask({}))).allowed, false);
    await c.client.create(ref('clusterroles'), undefined, {
      metadata: { name: 'pod-reader' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    });
    await c.client.create(ref('rolebindings'), 'a', {
      metadata: { name: 'b', namespace: 'a' },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'pod-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'app' }],
    });
    const d = await authz.authorize(ask({}));
    assert.deepEqual(d, {
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "b/a" of ClusterRole "pod-reader" to ServiceAccount "app/a"',
    });
    assert.equal((await authz.authorize(ask({ namespace: 'b' }))).allowed, false, 'another namespace');
    assert.equal((await authz.authorize(ask({ namespace: '' }))).allowed, false, 'cluster scope');
    await c.client.delete(ref('clusterroles'), undefined, 'pod-reader');
    const gone = await authz.authorize(ask({}));
    assert.equal(gone.allowed, false);
    assert.equal(gone.reason, 'RBAC: clusterrole.rbac.authorization.k8s.io "pod-reader" not found');
    // Discovery comes from the bootstrap policy for every authenticated user.
    assert.equal((await authz.authorize(ask({ resourceRequest: false, path: '/apis/apps/v1' }))).allowed, true);
    assert.equal((await authz.authorize(ask({ resourceRequest: false, path: '/metrics' }))).allowed, false);
  } finally {
    await c.close();
  }
});
