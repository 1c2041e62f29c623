import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregatedAccept, discover } from './discovery';

const aggregated = (items: unknown[]) => ({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', items });

test('aggregated discovery: two requests, preferred versions only, subresources left out, stale versions named', async () => {
  const asked: string[] = [];
  const answers: Record<string, unknown> = {
    '/api': aggregated([
      {
        metadata: {},
        versions: [
          {
            version: 'v1',
            resources: [
              {
                resource: 'pods',
                responseKind: { kind: 'Pod' },
                scope: 'Namespaced',
                verbs: ['get', 'list'],
                shortNames: ['po'],
                subresources: [{ subresource: 'log', verbs: ['get'] }],
              },
              { resource: 'bindings', responseKind: { kind: 'Binding' }, scope: 'Namespaced', verbs: ['create'] },
            ],
          },
        ],
      },
    ]),
    '/apis': aggregated([
      {
        metadata: { name: 'autoscaling' },
        versions: [
          {
            version: 'v2',
            resources: [
              {
                resource: 'horizontalpodautoscalers',
                responseKind: { kind: 'HorizontalPodAutoscaler' },
                scope: 'Namespaced',
                verbs: ['list'],
              },
            ],
          },
          {
            version: 'v1',
            resources: [
              {
                resource: 'horizontalpodautoscalers',
                responseKind: { kind: 'HorizontalPodAutoscaler' },
                scope: 'Namespaced',
                verbs: ['list'],
              },
            ],
          },
        ],
      },
      { metadata: { name: 'metrics.k8s.io' }, versions: [{ version: 'v1beta1', freshness: 'Stale', resources: [] }] },
      {
        metadata: { name: 'storage.k8s.io' },
        versions: [
          {
            version: 'v1',
            resources: [{ resource: 'storageclasses', responseKind: { kind: 'StorageClass' }, scope: 'Cluster', verbs: ['list'] }],
          },
        ],
      },
    ]),
  };
  const d = await discover(<T>(path: string, accept?: string): Promise<T> => {
    asked.push(path);
    assert.equal(accept, aggregatedAccept);
    return Promise.resolve(answers[path] as T);
  });
  assert.deepEqual(asked, ['/api', '/apis']);
  assert.deepEqual(
    d.resources.map((r) => `${r.group}/${r.version}/${r.name} ${r.kind} ${r.namespaced ? 'ns' : 'cluster'} ${r.shortNames.join(',')}`),
    [
      '/v1/pods Pod ns po',
      'autoscaling/v2/horizontalpodautoscalers HorizontalPodAutoscaler ns ',
      'storage.k8s.io/v1/storageclasses StorageClass cluster ',
    ],
  );
  assert.equal(d.failures.length, 1);
  assert.match(d.failures[0], /^metrics\.k8s\.io\/v1beta1: /);
});

test('a server without aggregated discovery: the legacy lists, read per group version', async () => {
  const asked: string[] = [];
  const answers: Record<string, unknown> = {
    '/api': { kind: 'APIVersions', versions: ['v1'] },
    '/apis': { kind: 'APIGroupList', groups: [{ name: 'apps', preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }] },
    '/api/v1': { resources: [{ name: 'pods', kind: 'Pod', namespaced: true, verbs: ['list'] }] },
    '/apis/apps/v1': { resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['list'] }] },
  };
  const d = await discover(<T>(path: string): Promise<T> => {
    asked.push(path);
    return Promise.resolve(answers[path] as T);
  });
  assert.deepEqual(asked.sort(), ['/api', '/api/v1', '/apis', '/apis/apps/v1']);
  assert.deepEqual(
    d.resources.map((r) => `${r.group}/${r.name}`),
    ['/pods', 'apps/deployments'],
  );
});
