import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findByKind, navLabel, resourcePath, selectorString, wellKnown } from './resources';
import { discover, parseResourceList } from './discovery';

test('paths for core and grouped, namespaced and cluster kinds', () => {
  assert.equal(resourcePath(wellKnown.pods, 'default'), '/api/v1/namespaces/default/pods');
  assert.equal(resourcePath(wellKnown.pods, ''), '/api/v1/pods');
  assert.equal(resourcePath(wellKnown.deployments, 'a b', 'web', 'scale'), '/apis/apps/v1/namespaces/a%20b/deployments/web/scale');
  assert.equal(resourcePath(wellKnown.nodes, 'ignored', 'n1'), '/api/v1/nodes/n1');
});

test('labels and selectors', () => {
  assert.equal(navLabel(wellKnown.pods), 'Pods');
  assert.equal(navLabel({ ...wellKnown.pods, kind: 'NetworkPolicy', name: 'networkpolicies' }), 'NetworkPolicies');
  assert.equal(navLabel({ ...wellKnown.pods, kind: 'Ingress', name: 'ingresses' }), 'Ingresses');
  assert.equal(navLabel({ ...wellKnown.pods, kind: 'NodeMetrics', name: 'nodes' }), 'NodeMetrics');
  assert.equal(navLabel({ ...wellKnown.pods, kind: 'Endpoints', name: 'endpoints' }), 'Endpoints');
  assert.equal(
    selectorString({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'x', operator: 'Exists' },
      ],
    }),
    'app=web,tier in (a,b),x',
  );
});

test('discovery skips subresources and unlistable kinds, records failing groups', async () => {
  const answers: Record<string, unknown> = {
    '/api': { versions: ['v1'] },
    '/apis': {
      groups: [
        { name: 'apps', preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } },
        { name: 'metrics.k8s.io', preferredVersion: { version: 'v1beta1' } },
      ],
    },
    '/api/v1': {
      resources: [
        { name: 'pods', kind: 'Pod', namespaced: true, verbs: ['list', 'get'] },
        { name: 'pods/log', kind: 'Pod', namespaced: true, verbs: ['get'] },
        { name: 'bindings', kind: 'Binding', namespaced: true, verbs: ['create'] },
      ],
    },
    '/apis/apps/v1': { resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['list'] }] },
  };
  const getJson = async <T>(p: string): Promise<T> => {
    if (!(p in answers)) throw new Error('service unavailable');
    return answers[p] as T;
  };
  const d = await discover(getJson);
  assert.deepEqual(
    d.resources.map((r) => `${r.group}/${r.name}`),
    ['/pods', 'apps/deployments'],
  );
  assert.equal(d.failures.length, 1);
  assert.match(d.failures[0], /metrics/);
  assert.equal(findByKind(d.resources, 'apps/v1', 'Deployment')?.name, 'deployments');
  assert.equal(parseResourceList('', 'v1', {}).length, 0);
});
