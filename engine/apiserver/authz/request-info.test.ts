import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestAttributes } from './request-info';

const user = { user: 'u', groups: [] };
const attrs = (method: string, url: string) => {
  const u = new URL(url, 'https://x');
  const a = requestAttributes(user, method, u.pathname, u.searchParams);
  return {
    verb: a.verb,
    res: a.resourceRequest,
    group: a.apiGroup,
    ns: a.namespace,
    resource: a.resource,
    sub: a.subresource,
    name: a.name,
  };
};

void test('verbs come from the method, list/watch/deletecollection from the missing name', () => {
  assert.deepEqual(attrs('GET', '/api/v1/namespaces/a/pods'), {
    verb: 'list',
    res: true,
    group: '',
    ns: 'a',
    resource: 'pods',
    sub: '',
    name: '',
  });
  assert.equal(attrs('GET', '/api/v1/namespaces/a/pods?watch=true').verb, 'watch');
  assert.equal(attrs('GET', '/api/v1/namespaces/a/pods?watch=1').verb, 'watch');
  assert.equal(attrs('GET', '/api/v1/namespaces/a/pods?watch=false').verb, 'list');
  assert.equal(attrs('GET', '/api/v1/watch/namespaces/a/pods').verb, 'watch');
  assert.equal(attrs('GET', '/api/v1/namespaces/a/pods/p').verb, 'get');
  assert.equal(attrs('DELETE', '/apis/apps/v1/namespaces/a/deployments').verb, 'deletecollection');
  assert.equal(attrs('DELETE', '/apis/apps/v1/namespaces/a/deployments/d').verb, 'delete');
  assert.equal(attrs('PATCH', '/apis/apps/v1/namespaces/a/deployments/d').verb, 'patch');
  assert.equal(attrs('POST', '/api/v1/namespaces/a/pods').verb, 'create');
});

void test('subresources, namespaces and one-name lists', () => {
  assert.deepEqual(attrs('POST', '/api/v1/namespaces/a/pods/p/exec'), {
    verb: 'create',
    res: true,
    group: '',
    ns: 'a',
    resource: 'pods',
    sub: 'exec',
    name: 'p',
  });
  assert.deepEqual(attrs('GET', '/api/v1/namespaces/a'), {
    verb: 'get',
    res: true,
    group: '',
    ns: 'a',
    resource: 'namespaces',
    sub: '',
    name: 'a',
  });
  assert.deepEqual(attrs('PUT', '/api/v1/namespaces/a/finalize'), {
    verb: 'update',
    res: true,
    group: '',
    ns: 'a',
    resource: 'namespaces',
    sub: 'finalize',
    name: 'a',
  });
  assert.deepEqual(attrs('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles?fieldSelector=metadata.name%3Dview'), {
    verb: 'list',
    res: true,
    group: 'rbac.authorization.k8s.io',
    ns: '',
    resource: 'clusterroles',
    sub: '',
    name: 'view',
  });
});

void test('discovery and health paths are non-resource requests', () => {
  for (const p of ['/api', '/apis', '/apis/apps', '/apis/apps/v1', '/api/v1', '/version', '/healthz', '/openapi/v2']) {
    assert.equal(attrs('GET', p).res, false, p);
    assert.equal(attrs('GET', p).verb, 'get');
  }
});
