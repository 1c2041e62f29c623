import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryString } from '../k8s/client';
import { firstPageUrl } from './prime-route';
import { parseRoute } from './route';

const url = (profile: string, path: string, query: Record<string, string | undefined>) => `/k8s/${profile}${path}${queryString(query)}`;

test('a list route names its first page, as the list will ask for it', () => {
  assert.equal(
    firstPageUrl(parseRoute('#/c/skiff-a/core/pods?ns=default'), url),
    '/k8s/skiff-a/api/v1/namespaces/default/pods?includeObject=Metadata&limit=500',
  );
  assert.equal(
    firstPageUrl(parseRoute('#/c/skiff-a/apps/deployments/web/api'), url),
    '/k8s/skiff-a/apis/apps/v1/deployments?includeObject=Metadata&limit=500',
  );
  assert.equal(
    firstPageUrl(parseRoute('#/c/skiff-a/core/nodes?ns=default'), url),
    '/k8s/skiff-a/api/v1/nodes?includeObject=Metadata&limit=500',
  );
});

test('other views, and kinds only discovery knows, prime nothing', () => {
  for (const r of ['#/c/skiff-a', '#/start', '#/c/skiff-a/helm', '#/c/skiff-a/example.com/widgets', '', '#/nonsense'])
    assert.equal(firstPageUrl(parseRoute(r), url), undefined, r);
});
