import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../kinds/types';
import { headlessRoutes } from './headless-routes';
import { buildRouteTable, matchRoute } from './route-table';

const svc = (name: string, clusterIP: string): KubeObject => ({
  metadata: { namespace: 'default', name },
  spec: { clusterIP, ports: [{ name: 'http', port: 80 }] },
});
const slice = (svcName: string, ips: [string, boolean][]): KubeObject => ({
  metadata: { namespace: 'default', name: `${svcName}-x`, labels: { 'kubernetes.io/service-name': svcName } },
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: ips.map(([ip, ready]) => ({ addresses: [ip], conditions: { ready } })),
});

test('a headless Service routes to its ready pods by port name; ClusterIP Services are left to the network table', () => {
  const services = [svc('db', 'None'), svc('web', '10.96.0.5')];
  const routes = headlessRoutes(services, [
    slice('db', [
      ['10.244.0.7', true],
      ['10.244.0.8', false],
    ]),
    slice('web', [['10.244.0.9', true]]),
  ]);
  assert.deepEqual(routes, [
    { id: 'default/db', ip: '', ports: [{ port: 80, protocol: 'TCP', endpoints: [{ ip: '10.244.0.7', port: 8080 }] }] },
  ]);
  const { table, problems } = buildRouteTable({
    ingresses: [
      {
        metadata: { namespace: 'default', name: 'i' },
        spec: {
          rules: [
            {
              host: 'db.localhost',
              http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'db', port: { name: 'http' } } } }] },
            },
          ],
        },
      },
    ],
    services,
    routes,
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(matchRoute(table, 'db.localhost', '/')?.backend.endpoints, [{ ip: '10.244.0.7', port: 8080 }]);
});
