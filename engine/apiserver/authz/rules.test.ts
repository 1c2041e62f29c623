import { test } from 'node:test';
import assert from 'node:assert/strict';
import { covers, ruleAllows } from './rules';
import type { Attributes } from './request-info';

const a = (o: Partial<Attributes>): Attributes => ({
  user: { user: 'u', groups: [] },
  verb: 'get',
  resourceRequest: true,
  path: '',
  apiGroup: '',
  apiVersion: 'v1',
  namespace: 'n',
  resource: 'pods',
  subresource: '',
  name: '',
  ...o,
});

void test('verbs, groups, resources, subresources and names match as upstream', () => {
  const rule = { verbs: ['get'], apiGroups: [''], resources: ['pods', 'pods/log'] };
  assert.ok(ruleAllows(a({}), rule));
  assert.ok(ruleAllows(a({ subresource: 'log' }), rule));
  assert.ok(!ruleAllows(a({ subresource: 'exec' }), rule), 'pods does not grant pods/exec');
  assert.ok(!ruleAllows(a({ verb: 'list' }), rule), 'get is not list');
  assert.ok(!ruleAllows(a({ apiGroup: 'apps' }), rule));
  assert.ok(
    ruleAllows(a({ resource: 'deployments', subresource: 'scale', apiGroup: 'apps' }), {
      verbs: ['*'],
      apiGroups: ['*'],
      resources: ['*/scale'],
    }),
  );
  const named = { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['own'] };
  assert.ok(ruleAllows(a({ resource: 'secrets', name: 'own' }), named));
  assert.ok(!ruleAllows(a({ resource: 'secrets', name: 'other' }), named));
  assert.ok(
    !ruleAllows(a({ resource: 'secrets', verb: 'list' }), { ...named, verbs: ['list'] }),
    'a named rule never grants an unnamed list',
  );
});

void test('non-resource URLs match exactly or by a trailing *', () => {
  const rule = { verbs: ['get'], nonResourceURLs: ['/version', '/apis/*'] };
  assert.ok(ruleAllows(a({ resourceRequest: false, path: '/version' }), rule));
  assert.ok(ruleAllows(a({ resourceRequest: false, path: '/apis/apps/v1' }), rule));
  assert.ok(!ruleAllows(a({ resourceRequest: false, path: '/healthz' }), rule));
  assert.ok(!ruleAllows(a({ resourceRequest: false, path: '/version', verb: 'post' }), rule));
});

void test('covers: an owner must hold every verb, resource and name the servant grants', () => {
  const owner = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'configmaps'] }];
  assert.ok(covers(owner, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['x'] }]).covered);
  const r = covers(owner, [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] }]);
  assert.deepEqual(r.missing, [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }]);
  assert.ok(!covers(owner, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]).covered, '* is compared literally');
  assert.ok(covers([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]).covered);
  assert.ok(
    !covers(
      [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }],
      [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }],
    ).covered,
  );
});
