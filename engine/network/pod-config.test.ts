// What pods get from Service networking: env variables and their resolv.conf (via Docker's DNS options).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceEnv } from './service-env';
import { sandboxDns } from '../kubelet/docker/container-config';
import type { KubeObject } from '../kinds/types';

const svc = (ns: string, name: string, spec: Record<string, any>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: ns, name },
  spec,
});
const pod = (ns: string, spec: Record<string, any> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: ns, name: 'p' },
  spec,
});
const services = [
  svc('default', 'kubernetes', { clusterIP: '10.9.128.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }),
  svc('shop', 'redis-main', {
    clusterIP: '10.9.128.30',
    ports: [
      { name: 'redis', port: 6379, protocol: 'TCP' },
      { name: 'metrics', port: 9121, protocol: 'UDP' },
    ],
  }),
  svc('shop', 'headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
  svc('shop', 'ext', { type: 'ExternalName', externalName: 'x.example' }),
  svc('other', 'web', { clusterIP: '10.9.128.40', ports: [{ port: 80 }] }),
];

test("service env: KUBERNETES_* everywhere, docker-link variables for the namespace's Services", () => {
  const env = serviceEnv(services, pod('shop'));
  assert.equal(env.KUBERNETES_SERVICE_HOST, '10.9.128.1');
  assert.equal(env.KUBERNETES_SERVICE_PORT, '443');
  assert.equal(env.KUBERNETES_SERVICE_PORT_HTTPS, '443');
  assert.equal(env.KUBERNETES_PORT, 'tcp://10.9.128.1:443');
  assert.equal(env.REDIS_MAIN_SERVICE_HOST, '10.9.128.30');
  assert.equal(env.REDIS_MAIN_SERVICE_PORT, '6379');
  assert.equal(env.REDIS_MAIN_SERVICE_PORT_METRICS, '9121');
  assert.equal(env.REDIS_MAIN_PORT_9121_UDP, 'udp://10.9.128.30:9121');
  assert.equal(env.REDIS_MAIN_PORT_6379_TCP_ADDR, '10.9.128.30');
  assert.equal(env.REDIS_MAIN_PORT_6379_TCP_PROTO, 'tcp');
  assert.equal(env.HEADLESS_SERVICE_HOST, undefined, 'headless: no IP, no variables');
  assert.equal(env.EXT_SERVICE_HOST, undefined);
  assert.equal(env.WEB_SERVICE_HOST, undefined, 'other namespaces stay out');
  const off = serviceEnv(services, pod('shop', { enableServiceLinks: false }));
  assert.deepEqual(
    Object.keys(off).filter((k) => !k.startsWith('KUBERNETES_')),
    [],
  );
  assert.equal(off.KUBERNETES_SERVICE_HOST, '10.9.128.1');
});

const dns = { nameserver: '10.9.128.10', clusterDomain: 'cluster.local' };

test('pod DNS: ClusterFirst (default), Default, None with dnsConfig, hostNetwork', () => {
  assert.deepEqual(sandboxDns(pod('shop'), dns), {
    Dns: ['10.9.128.10'],
    DnsSearch: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
    DnsOptions: ['ndots:5'],
  });
  assert.deepEqual(sandboxDns(pod('shop', { dnsPolicy: 'Default' }), dns), {});
  assert.deepEqual(sandboxDns(pod('shop'), undefined), {}, "no cluster DNS: Docker's");
  assert.deepEqual(sandboxDns(pod('shop', { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), dns), {});
  assert.deepEqual(
    sandboxDns(
      pod('shop', {
        dnsPolicy: 'None',
        dnsConfig: { nameservers: ['1.1.1.1'], searches: ['corp.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
      }),
      dns,
    ),
    { Dns: ['1.1.1.1'], DnsSearch: ['corp.example'], DnsOptions: ['ndots:2', 'edns0'] },
  );
  assert.deepEqual(
    sandboxDns(pod('shop', { dnsConfig: { searches: ['corp.example'], options: [{ name: 'ndots', value: '1' }] } }), dns),
    {
      Dns: ['10.9.128.10'],
      DnsSearch: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'],
      DnsOptions: ['ndots:1'],
    },
    'dnsConfig adds to ClusterFirst and overrides its options',
  );
});
