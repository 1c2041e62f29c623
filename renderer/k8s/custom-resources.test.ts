import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crdNamesOf, customGroups, undiscovered } from './custom-resources';
import type { ApiResource } from './types';

const res = (group: string, name: string, kind: string): ApiResource => ({
  group,
  version: 'v1',
  name,
  kind,
  namespaced: true,
  verbs: ['list'],
  shortNames: [],
});

test('custom resources: grouped by API group, built-ins left out, CRDs discovery has not seen named', () => {
  const discovered = [
    res('apps', 'deployments', 'Deployment'),
    res('stable.example.com', 'widgets', 'Widget'),
    res('monitoring.coreos.com', 'servicemonitors', 'ServiceMonitor'),
    res('monitoring.coreos.com', 'prometheuses', 'Prometheus'),
    res('gateway.networking.k8s.io', 'httproutes', 'HTTPRoute'),
  ];
  const crds = crdNamesOf({
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: '', priority: 0 },
      { name: 'Created At', type: 'date', format: '', description: '', priority: 0 },
    ],
    rows: [
      'widgets.stable.example.com',
      'servicemonitors.monitoring.coreos.com',
      'prometheuses.monitoring.coreos.com',
      'httproutes.gateway.networking.k8s.io',
      'gadgets.new.example.com',
    ].map((n) => ({ cells: [n, '2026-01-01T00:00:00Z'] })),
  } as never);
  const groups = customGroups(discovered, crds);
  assert.deepEqual(
    groups.map((g) => [g.group, g.items.map((r) => r.kind)]),
    [
      ['gateway.networking.k8s.io', ['HTTPRoute']],
      ['monitoring.coreos.com', ['Prometheus', 'ServiceMonitor']],
      ['stable.example.com', ['Widget']],
    ],
  );
  assert.deepEqual(undiscovered(discovered, crds), ['gadgets.new.example.com']);
});
