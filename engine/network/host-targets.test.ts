import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostClaims, parsePortRange } from './host-targets';
import type { KubeObject } from '../kinds/types';

const svc = (name: string, created: string, spec: Record<string, any>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: 'default', name, creationTimestamp: created },
  spec,
});

test('NodePort and LoadBalancer Services claim host ports; the older Service wins a collision', () => {
  const c = hostClaims([
    svc('lb2', '2026-01-03T00:00:00Z', {
      type: 'LoadBalancer',
      clusterIP: '10.9.128.22',
      ports: [{ port: 8080, nodePort: 30002, protocol: 'TCP' }],
    }),
    svc('np', '2026-01-01T00:00:00Z', {
      type: 'NodePort',
      clusterIP: '10.9.128.20',
      ports: [
        { port: 80, nodePort: 30001, protocol: 'TCP' },
        { port: 53, nodePort: 30053, protocol: 'UDP' },
      ],
    }),
    svc('lb', '2026-01-02T00:00:00Z', { type: 'LoadBalancer', clusterIP: '10.9.128.21', ports: [{ port: 8080, nodePort: 30003 }] }),
    svc('plain', '2026-01-01T00:00:00Z', { type: 'ClusterIP', clusterIP: '10.9.128.23', ports: [{ port: 81 }] }),
  ]);
  assert.deepEqual(
    [...c.targets].sort((a, b) => a[0] - b[0]),
    [
      [8080, { ip: '10.9.128.21', port: 8080, service: 'default/lb' }],
      [30001, { ip: '10.9.128.20', port: 80, service: 'default/np' }],
      [30002, { ip: '10.9.128.22', port: 8080, service: 'default/lb2' }],
      [30003, { ip: '10.9.128.21', port: 8080, service: 'default/lb' }],
    ],
    'UDP NodePorts are not served on the host',
  );
  assert.deepEqual(c.conflicts, [{ service: 'default/lb2', hostPort: 8080, holder: 'default/lb' }]);
  assert.deepEqual(
    [...c.loadBalancers],
    [
      ['default/lb', [8080]],
      ['default/lb2', [8080]],
    ],
  );
});

test('LoadBalancer ports outside the range are never claimed; NodePorts are unaffected', () => {
  const c = hostClaims(
    [
      svc('ssh', '2026-01-01T00:00:00Z', { type: 'LoadBalancer', clusterIP: '10.9.128.30', ports: [{ port: 22, nodePort: 30022 }] }),
      svc('web', '2026-01-01T00:00:01Z', { type: 'LoadBalancer', clusterIP: '10.9.128.31', ports: [{ port: 8080, nodePort: 30080 }] }),
    ],
    parsePortRange('8000-9000'),
  );
  assert.deepEqual(
    [...c.targets.keys()].sort((x, y) => x - y),
    [8080, 30022, 30080],
  );
  assert.deepEqual(c.outOfRange, [{ service: 'default/ssh', hostPort: 22 }]);
  assert.deepEqual(c.loadBalancers.get('default/ssh'), [22], 'its ingress waits for a port it will never get');
  assert.ok(!hostClaims([svc('ssh', 'x', { type: 'LoadBalancer', clusterIP: '10.9.128.30', ports: [{ port: 1024 }] })]).targets.has(1024));
  assert.throws(() => parsePortRange('9000-8000'), /not a port range/);
  assert.throws(() => parsePortRange('0-70000'), /not a port range/);
});
