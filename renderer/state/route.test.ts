import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRoute, parseRoute, type RouteLoc } from './route';

void test('routes round-trip: start, overview, list, object (cluster-scoped and namespaced), odd names', () => {
  const locs: RouteLoc[] = [
    { view: 'start', namespace: '' },
    { view: 'overview', profile: 'skiff-local', namespace: '' },
    { view: 'overview', profile: 'arn:aws:eks:eu/prod', namespace: 'team-a' },
    { view: 'list', profile: 'skiff-local', namespace: 'default', group: 'apps', plural: 'deployments' },
    {
      view: 'list',
      profile: 'skiff-local',
      namespace: '',
      group: '',
      plural: 'pods',
      object: { namespace: 'kube-system', name: 'coredns-1' },
    },
    { view: 'list', profile: 'p', namespace: '', group: '', plural: 'nodes', object: { namespace: '', name: 'n1' } },
    { view: 'helm', profile: 'p', namespace: '' },
    { view: 'helm', profile: 'p', namespace: 'shop', release: { namespace: 'shop', name: 'web/1' } },
  ];
  for (const loc of locs) assert.deepEqual(parseRoute('#' + formatRoute(loc)), loc, formatRoute(loc));
  assert.equal(
    formatRoute({
      view: 'list',
      profile: 'a/b',
      namespace: 'x',
      group: 'apps',
      plural: 'deployments',
      object: { namespace: 'x', name: 'web' },
    }),
    '/c/a%2Fb/apps/deployments/x/web?ns=x',
  );
});

void test('what is not a route is undefined (the app then restores or settles as usual)', () => {
  for (const s of ['', '#', '#skiff-launch=abc', '/c', '/c/p/apps', '/c/p/apps/deployments/ns', '/c/%E0%A4%A/x', '/other']) {
    assert.equal(parseRoute(s), undefined, s);
  }
});

void test('map routes: the namespace map, with or without an open panel, round-trip', () => {
  const locs: RouteLoc[] = [
    { view: 'map', profile: 'p', namespace: 'shop' },
    { view: 'map', profile: 'p', namespace: '', group: 'apps', plural: 'deployments', object: { namespace: 'shop', name: 'web' } },
    { view: 'map', profile: 'p', namespace: 'shop', group: '', plural: 'pods', object: { namespace: 'shop', name: 'web-1' } },
  ];
  for (const loc of locs) assert.deepEqual(parseRoute('#' + formatRoute(loc)), loc, formatRoute(loc));
  assert.equal(formatRoute(locs[2]), '/c/p/map/core/pods/shop/web-1?ns=shop');
  for (const s of ['/c/p/map/core', '/c/p/map/core/pods/shop']) assert.notEqual(parseRoute(s)?.view, 'map', s);
});
