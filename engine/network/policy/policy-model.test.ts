import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePolicyModel, policyPods, type PolicyModel } from './policy-model';
import type { KubeObject } from '../../kinds/types';

interface PodExtra {
  ports?: { name: string; containerPort: number; protocol?: string }[];
  hostNetwork?: boolean;
  phase?: string;
}
const pod = (name: string, ns: string, ip: string | undefined, labels: Record<string, string>, extra: PodExtra = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
  spec: { containers: [{ name: 'c', image: 'x', ports: extra.ports ?? [] }], hostNetwork: extra.hostNetwork },
  status: { podIP: ip, phase: extra.phase ?? 'Running' },
});
const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
});
const np = (ns: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'p', namespace: ns },
  spec,
});

const pods = [
  pod('web', 'a', '10.1.0.2', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
  pod('client', 'a', '10.1.0.3', { app: 'client' }),
  pod('other', 'b', '10.1.0.4', { app: 'client' }, { ports: [{ name: 'http', containerPort: 9090 }] }),
  pod('dns', 'b', '10.1.0.5', { app: 'dns' }, { ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] }),
];
const namespaces = [ns('a'), ns('b', { team: 'blue' })];
const model = (...policies: KubeObject[]): PolicyModel => computePolicyModel({ pods: policyPods(pods), namespaces, policies });

test('policyPods skips hostNetwork, IP-less and finished pods and collects named ports', () => {
  const got = policyPods([
    ...pods,
    pod('h', 'a', '172.17.0.1', {}, { hostNetwork: true }),
    pod('pending', 'a', undefined, {}),
    pod('done', 'a', '10.1.0.9', {}, { phase: 'Succeeded' }),
  ]);
  assert.deepEqual(
    got.map((p) => p.ip),
    ['10.1.0.2', '10.1.0.3', '10.1.0.4', '10.1.0.5'],
  );
  assert.deepEqual(got[3].ports, [{ name: 'dns', port: 53, protocol: 'udp' }]);
});

test('no policy: nobody is isolated', () => {
  const m = model();
  assert.equal(m.ingress.size + m.egress.size, 0);
});

test('default deny ingress isolates every pod of the namespace, with nothing allowed; other namespaces untouched', () => {
  const m = model(np('a', { podSelector: {}, policyTypes: ['Ingress'] }));
  assert.deepEqual([...m.ingress.keys()].sort(), ['10.1.0.2', '10.1.0.3']);
  assert.deepEqual(m.ingress.get('10.1.0.2'), []);
  assert.equal(m.egress.size, 0);
});

test('policyTypes default: Egress only when egress rules exist', () => {
  assert.equal(model(np('a', { podSelector: {}, egress: [{}] })).egress.size, 2);
  assert.equal(model(np('a', { podSelector: {}, ingress: [{}] })).egress.size, 0);
  const denyAll = model(np('a', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
  assert.deepEqual(denyAll.egress.get('10.1.0.3'), []);
});

test('podSelector peers are in the policy namespace; namespaceSelector picks namespaces; both intersect', () => {
  const m = model(
    np('a', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'client' } } }] },
        { from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }] },
        { from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'dns' } } }] },
      ],
    }),
  );
  assert.deepEqual(m.ingress.get('10.1.0.2'), [
    { peer: { ips: ['10.1.0.3'] } },
    { peer: { ips: ['10.1.0.4', '10.1.0.5'] } },
    { peer: { ips: ['10.1.0.5'] } },
  ]);
  assert.equal(m.ingress.has('10.1.0.3'), false, 'the client is not selected');
});

test('matchExpressions and the well-known namespace name label', () => {
  const m = model(
    np('a', {
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }] }],
    }),
  );
  assert.deepEqual(m.ingress.get('10.1.0.2'), [{ peer: { ips: ['10.1.0.4', '10.1.0.5'] } }]);
});

test('a peer selecting no pod allows nothing (not everything)', () => {
  const m = model(np('a', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'none' } } }] }] }));
  assert.deepEqual(m.ingress.get('10.1.0.2'), []);
});

test('empty from is every peer; ipBlock keeps cidr and except', () => {
  const m = model(
    np('a', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ ports: [{ port: 80 }] }, { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
    }),
  );
  assert.deepEqual(m.ingress.get('10.1.0.2'), [
    { peer: { any: true }, ports: [{ protocol: 'tcp', port: 80 }] },
    { peer: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
  ]);
});

test('ports: protocol default TCP, endPort, protocol without port, named port resolved on the selected pod', () => {
  const m = model(
    np('a', {
      podSelector: {},
      ingress: [
        {
          ports: [
            { port: 'http' },
            { protocol: 'UDP', port: 5000, endPort: 5010 },
            { protocol: 'SCTP' },
            { port: 'http', protocol: 'UDP' },
          ],
        },
      ],
    }),
  );
  assert.deepEqual(m.ingress.get('10.1.0.2'), [
    {
      peer: { any: true },
      ports: [
        { protocol: 'tcp', port: 8080 },
        { protocol: 'udp', port: 5000, endPort: 5010 },
        { protocol: 'sctp', port: undefined },
      ],
    },
  ]);
  // The client defines no "http": only the number and the protocol-wide matches remain.
  assert.deepEqual(m.ingress.get('10.1.0.3')![0].ports, [
    { protocol: 'udp', port: 5000, endPort: 5010 },
    { protocol: 'sctp', port: undefined },
  ]);
});

test('a rule whose only port is a name the pod lacks allows nothing', () => {
  const m = model(np('a', { podSelector: { matchLabels: { app: 'client' } }, ingress: [{ ports: [{ port: 'http' }] }] }));
  assert.deepEqual(m.ingress.get('10.1.0.3'), []);
});

test('egress named ports resolve per destination pod; numbers apply to every peer', () => {
  const m = model(
    np('a', {
      podSelector: { matchLabels: { app: 'client' } },
      egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 'http' }, { port: 443 }] }],
    }),
  );
  assert.deepEqual(m.egress.get('10.1.0.3'), [
    { peer: { ips: ['10.1.0.2', '10.1.0.3', '10.1.0.4', '10.1.0.5'] }, ports: [{ protocol: 'tcp', port: 443 }] },
    { peer: { ips: ['10.1.0.2'] }, ports: [{ protocol: 'tcp', port: 8080 }] },
    { peer: { ips: ['10.1.0.4'] }, ports: [{ protocol: 'tcp', port: 9090 }] },
  ]);
});

test('egress named port towards an ipBlock resolves on the pods inside it, minus except', () => {
  const m = model(
    np('a', {
      podSelector: { matchLabels: { app: 'client' } },
      egress: [{ to: [{ ipBlock: { cidr: '10.1.0.0/24', except: ['10.1.0.4/32'] } }], ports: [{ port: 'http' }] }],
    }),
  );
  assert.deepEqual(m.egress.get('10.1.0.3'), [{ peer: { ips: ['10.1.0.2'] }, ports: [{ protocol: 'tcp', port: 8080 }] }]);
});

test('several policies selecting a pod: the union of their rules', () => {
  const m = model(
    np('a', { podSelector: {}, policyTypes: ['Ingress'] }),
    np('a', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: {} }] }] }),
  );
  assert.deepEqual(m.ingress.get('10.1.0.2'), [{ peer: { ips: ['10.1.0.2', '10.1.0.3'] } }]);
  assert.deepEqual(m.ingress.get('10.1.0.3'), []);
});

test('a policy selecting no pod changes nothing', () => {
  const m = model(np('a', { podSelector: { matchLabels: { app: 'nobody' } }, policyTypes: ['Ingress', 'Egress'] }));
  assert.equal(m.ingress.size + m.egress.size, 0);
});
