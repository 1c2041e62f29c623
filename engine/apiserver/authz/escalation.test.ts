import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore } from '../testing/test-cluster';
import { R } from '../../client/types';
import { collectingRequest } from '../admission/admission-request';

const RBAC = 'rbac.authorization.k8s.io';
const ref = (plural: string) => ({ group: RBAC, version: 'v1', plural });
const bob = { user: 'bob', groups: ['system:authenticated'] };

void test('a Role may grant only what its author holds, unless the author has escalate', async () => {
  const c = await startTestCore();
  try {
    const { resources, kinds } = c.core;
    const roleDef = kinds.byResource(RBAC, 'v1', 'roles')!;
    const byBob = { request: collectingRequest(bob, () => {}) };
    await c.client.create(R.namespaces, undefined, { metadata: { name: 'a' } });
    await c.client.create(ref('roles'), 'a', {
      metadata: { name: 'bob-role', namespace: 'a' },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
        { apiGroups: [RBAC], resources: ['roles'], verbs: ['create'] },
      ],
    });
    await c.client.create(ref('rolebindings'), 'a', {
      metadata: { name: 'bob', namespace: 'a' },
      roleRef: { apiGroup: RBAC, kind: 'Role', name: 'bob-role' },
      subjects: [{ apiGroup: RBAC, kind: 'User', name: 'bob' }],
    });
    const role = (name: string, verbs: string[]) => ({
      metadata: { name },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs }],
    });
    await resources.create(roleDef, 'a', role('ok', ['get']), byBob);
    await assert.rejects(
      resources.create(roleDef, 'a', role('wide', ['get', 'delete']), byBob),
      (e: { code?: number; message?: string }) =>
        e.code === 403 &&
        e.message ===
          'roles.rbac.authorization.k8s.io "wide" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["configmaps"], Verbs:["delete"]}',
    );
    // The composer's in-process client names no writer and is not checked.
    await c.client.create(ref('roles'), 'a', role('by-controller', ['*']));
    await c.client.create(ref('roles'), 'a', {
      metadata: { name: 'escalator' },
      rules: [{ apiGroups: [RBAC], resources: ['roles'], verbs: ['escalate'] }],
    });
    await c.client.create(ref('rolebindings'), 'a', {
      metadata: { name: 'bob-escalate' },
      roleRef: { apiGroup: RBAC, kind: 'Role', name: 'escalator' },
      subjects: [{ apiGroup: RBAC, kind: 'User', name: 'bob' }],
    });
    await resources.create(roleDef, 'a', role('wide', ['get', 'delete']), byBob);
  } finally {
    await c.close();
  }
});
