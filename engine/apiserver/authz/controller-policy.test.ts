import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore } from '../testing/test-cluster';
import { bootstrapCluster } from '../bootstrap';
import { controllerAccounts } from '../../controllers/manager';
import { controllerAccountNames } from './controller-policy';
import type { Attributes } from './request-info';
import { CONTROLLER_MANAGER } from './users';

const RBAC = 'rbac.authorization.k8s.io';
const ask = (o: Partial<Attributes>): Attributes => ({
  user: CONTROLLER_MANAGER,
  verb: 'delete',
  resourceRequest: true,
  path: '',
  apiGroup: '',
  apiVersion: 'v1',
  namespace: 'a',
  resource: 'pods',
  subresource: '',
  name: 'p',
  ...o,
});

void test('every ServiceAccount the controller manager acts as has a role bound in the policy', () => {
  const bound = new Set(controllerAccountNames());
  for (const [controller, account] of Object.entries(controllerAccounts)) assert.ok(bound.has(account), `${controller}: ${account}`);
  for (const extra of ['root-ca-cert-publisher', 'ttl-after-finished-controller']) assert.ok(bound.has(extra));
});

void test('an upgraded cluster: the old all-writing controller-manager role is narrowed on the next start', async () => {
  const c = await startTestCore();
  try {
    const authz = c.core.authorization.authorizer;
    const old = await c.client.get({ group: RBAC, version: 'v1', plural: 'clusterroles' }, undefined, 'system:kube-controller-manager');
    // What the role held before controllers had their own ServiceAccounts.
    old.rules = [{ verbs: ['get', 'list', 'watch', 'update', 'patch', 'delete', 'deletecollection'], apiGroups: ['*'], resources: ['*'] }];
    await c.client.update({ group: RBAC, version: 'v1', plural: 'clusterroles' }, undefined, old);
    await waitAllowed(() => authz.authorize(ask({})), true);
    await bootstrapCluster(c.core, { apiServerPort: 6443 });
    await waitAllowed(() => authz.authorize(ask({})), false);
    assert.equal((await authz.authorize(ask({ verb: 'watch', name: '' }))).allowed, true);
  } finally {
    await c.close();
  }
});

async function waitAllowed(decide: () => Promise<{ allowed: boolean }>, want: boolean) {
  for (let i = 0; i < 100; i++) {
    if ((await decide()).allowed === want) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`decision never became ${want}`);
}
