import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeTable } from './table';
import type { KubeObject } from '../kinds/types';

const svc = (name: string, spec: Record<string, any>, ns = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec,
});
const slice = (svcName: string, ports: any[], endpoints: any[], ns = 'default'): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  addressType: 'IPv4',
  metadata: { name: `${svcName}-x`, namespace: ns, labels: { 'kubernetes.io/service-name': svcName } },
  ports,
  endpoints,
});
const ep = (ip: string, ready = true, extra: Record<string, any> = {}) => ({ addresses: [ip], conditions: { ready }, ...extra });
const input = (services: KubeObject[], slices: KubeObject[]) => ({
  services,
  slices,
  dnsIP: '10.9.128.10',
  domain: 'cluster.local',
  version: 4,
});

test('a ClusterIP Service routes each port to its ready endpoints; named target ports resolve through the slice', () => {
  const { table } = computeTable(
    input(
      [
        svc('web', {
          clusterIP: '10.9.128.20',
          ports: [
            { name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' },
            { name: 'dns', port: 53, protocol: 'UDP' },
          ],
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
        }),
      ],
      [
        slice(
          'web',
          [
            { name: 'http', port: 8080, protocol: 'TCP' },
            { name: 'dns', port: 5353, protocol: 'UDP' },
          ],
          [ep('10.9.0.5'), ep('10.9.0.4'), ep('10.9.0.6', false)],
        ),
      ],
    ),
  );
  assert.equal(table.version, 4);
  assert.deepEqual(
    table.services,
    [
      {
        id: 'default/web',
        ip: '10.9.128.20',
        affinitySeconds: 60,
        ports: [
          {
            port: 80,
            protocol: 'TCP',
            name: 'http',
            endpoints: [
              { ip: '10.9.0.4', port: 8080 },
              { ip: '10.9.0.5', port: 8080 },
            ],
          },
          {
            port: 53,
            protocol: 'UDP',
            name: 'dns',
            endpoints: [
              { ip: '10.9.0.4', port: 5353 },
              { ip: '10.9.0.5', port: 5353 },
            ],
          },
        ],
      },
    ],
    'the unready endpoint is left out; order is stable',
  );
  assert.deepEqual(table.dns.a['web.default.svc.cluster.local'], ['10.9.128.20']);
  assert.equal(table.dns.ptr['10.9.128.20'], 'web.default.svc.cluster.local');
  assert.deepEqual(table.dns.srv['_http._tcp.web.default.svc.cluster.local'], [
    { priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' },
  ]);
});

test('headless Services resolve to ready pod IPs, hostnames get their own names, ExternalName is a CNAME', () => {
  const { table } = computeTable(
    input(
      [
        svc('db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }),
        svc('ext', { type: 'ExternalName', externalName: 'Example.COM.' }),
        svc('Other', { clusterIP: 'None' }, 'ns2'),
      ],
      [
        slice(
          'db',
          [{ name: 'pg', port: 5432, protocol: 'TCP' }],
          [ep('10.9.0.8', true, { hostname: 'db-0' }), ep('10.9.0.9'), ep('10.9.0.10', false, { hostname: 'db-2' })],
        ),
      ],
    ),
  );
  assert.deepEqual(table.services, [], 'headless and ExternalName get no proxy');
  assert.deepEqual(table.dns.a['db.default.svc.cluster.local'], ['10.9.0.8', '10.9.0.9']);
  assert.deepEqual(table.dns.a['db-0.db.default.svc.cluster.local'], ['10.9.0.8']);
  assert.equal(table.dns.a['db-2.db.default.svc.cluster.local'], undefined, 'unready pods are not published');
  assert.deepEqual(table.dns.srv['_pg._tcp.db.default.svc.cluster.local'].map((s) => s.target).sort(), [
    '10-9-0-9.db.default.svc.cluster.local',
    'db-0.db.default.svc.cluster.local',
  ]);
  assert.deepEqual(table.dns.a['10-9-0-9.db.default.svc.cluster.local'], ['10.9.0.9']);
  assert.equal(table.dns.cname['ext.default.svc.cluster.local'], 'example.com');
  assert.deepEqual(table.dns.a['other.ns2.svc.cluster.local'], [], 'names are lower case; no endpoints, still a name');
});

test('the kubernetes Service (endpoint on the host loopback) becomes a reverse route', () => {
  const { table, reverse } = computeTable(
    input(
      [svc('kubernetes', { clusterIP: '10.9.128.1', ports: [{ name: 'https', port: 443, targetPort: 40123 }] })],
      [slice('kubernetes', [{ name: 'https', port: 40123, protocol: 'TCP' }], [ep('127.0.0.1')])],
    ),
  );
  assert.deepEqual(table.services[0].ports, [{ port: 443, protocol: 'TCP', name: 'https', endpoints: [], reverse: true }]);
  assert.deepEqual(reverse.get('10.9.128.1:443'), { ip: '127.0.0.1', port: 40123 });
});

test('the DNS Service IP is named but not proxied (the agent serves it); other slices never leak in', () => {
  const { table } = computeTable(
    input(
      [
        svc('kube-dns', { clusterIP: '10.9.128.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }, 'kube-system'),
        svc('web', { clusterIP: '10.9.128.20', ports: [{ port: 80 }] }),
      ],
      [
        slice('web', [{ port: 80, protocol: 'TCP' }], [ep('10.9.0.4')], 'other-ns'),
        { ...slice('web', [{ port: 80 }], [ep('fd00::1')]), addressType: 'IPv6' },
      ],
    ),
  );
  assert.deepEqual(table.dns.a['kube-dns.kube-system.svc.cluster.local'], ['10.9.128.10']);
  assert.deepEqual(
    table.services.map((s) => s.id),
    ['default/web'],
  );
  assert.deepEqual(table.services[0].ports[0].endpoints, [], "a slice of another namespace or family is not this Service's");
});

test('loopback and other special endpoints (old data) are never routed; reverse routes go only to the API server', () => {
  const { table, reverse } = computeTable({
    ...input(
      [
        svc('kubernetes', { clusterIP: '10.9.128.1', ports: [{ name: 'https', port: 443, targetPort: 40123 }] }),
        svc('evil', { clusterIP: '10.9.128.30', ports: [{ port: 80 }] }),
      ],
      [
        // A second slice claiming the kubernetes Service, pointing at another host port.
        slice('kubernetes', [{ name: 'https', port: 22, protocol: 'TCP' }], [ep('127.0.0.1')]),
        slice(
          'evil',
          [{ name: '', port: 8080, protocol: 'TCP' }],
          [ep('127.0.0.1'), ep('169.254.169.254'), ep('224.0.0.1'), ep('0.0.0.0')],
        ),
      ],
    ),
    apiServer: { ip: '127.0.0.1', port: 40123 },
  });
  const evil = table.services.find((s) => s.id === 'default/evil')!;
  assert.deepEqual(evil.ports, [{ port: 80, protocol: 'TCP', endpoints: [] }]);
  assert.equal(reverse.get('10.9.128.30:80'), undefined);
  assert.equal(reverse.get('10.9.128.1:443'), undefined, 'not the API server port: no reverse route');
  const real = computeTable({
    ...input(
      [svc('kubernetes', { clusterIP: '10.9.128.1', ports: [{ name: 'https', port: 443, targetPort: 40123 }] })],
      [slice('kubernetes', [{ name: 'https', port: 40123, protocol: 'TCP' }], [ep('127.0.0.1')])],
    ),
    apiServer: { ip: '127.0.0.1', port: 40123 },
  });
  assert.deepEqual(real.reverse.get('10.9.128.1:443'), { ip: '127.0.0.1', port: 40123 });
});
