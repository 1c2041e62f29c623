import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapResources } from './use-resource-map';
import type { ApiResource } from '../k8s/types';

const res = (group: string, version: string, name: string, kind: string): ApiResource => ({
  group,
  version,
  name,
  kind,
  namespaced: true,
  verbs: ['list', 'watch'],
  shortNames: [],
});

void test('map kinds: discovery’s copy when it has one; HTTPRoute only where the cluster serves it', () => {
  const before = mapResources(undefined);
  assert.equal(before.Pod?.name, 'pods');
  assert.equal(before.Deployment?.group, 'apps');
  assert.equal(before.Ingress?.group, 'networking.k8s.io');
  assert.deepEqual([before.CronJob?.group, before.CronJob?.name], ['batch', 'cronjobs']);
  assert.equal(before.HTTPRoute, undefined);
  const served = mapResources([res('batch', 'v2', 'jobs', 'Job'), res('gateway.networking.k8s.io', 'v1', 'httproutes', 'HTTPRoute')]);
  assert.equal(served.Job?.version, 'v2');
  assert.equal(served.HTTPRoute?.kind, 'HTTPRoute');
});
