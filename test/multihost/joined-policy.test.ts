/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- kubectl's JSON, read as a user's script would */
// Issue 15: NetworkPolicy across machines, on two test machines (testing/two-machines.ts). Each
// machine enforces policies for its own pods: the first in its own firewall, the joined one in
// its own, as kube-system/skiff-network-policy (its token handed over by the first machine).
// Peers on the other machine are judged by their labels. Every case is an attack that must fail
// under a default deny, then an allow that opens exactly what it names, in both directions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { join } from 'node:path';
import { readNodeCredentials } from '../../engine/pki/node-credentials';
import { netnsSkip } from './testing/netns-host';
import { startTwoMachines, type TwoMachines } from './testing/two-machines';
import { BUSYBOX_IMAGE } from '../docker/images';
import { waitFor } from '../wait-for';

const skip = await netnsSkip();

const SERVER = 'mkdir -p /www; echo "hello from $(hostname)" > /www/index.html; exec httpd -f -p 8080 -h /www';
const fetch = (ip: string) => `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} 8080`;

describe('NetworkPolicy across machines (two network namespaces, each with its own dockerd)', { skip }, () => {
  let m: TwoMachines;
  // web-* serve and are the allowed clients (role=client); other-* are intruders; one of each per machine.
  const ip: Record<string, string> = {};
  const pod = (name: string, node: string, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'c', image: BUSYBOX_IMAGE, imagePullPolicy: 'Never', command: ['sh', '-c', SERVER] }],
    },
  });
  const apply = async (o: object) => {
    const r = await m.cp.kubectl(['apply', '-f', '-'], JSON.stringify(o));
    assert.equal(r.code, 0, r.stderr);
  };
  const reaches = async (from: string, to: string) =>
    (await m.cp.kubectl(['exec', from, '--', 'sh', '-c', fetch(ip[to])])).stdout.includes(`hello from ${to}`);
  /** Polls until `from` → `to` is as wanted (policies reach both machines within a second or so). */
  const becomes = (from: string, to: string, open: boolean) =>
    waitFor(`${from} → ${to} ${open ? 'open' : 'blocked'}`, async () => (await reaches(from, to)) === open, 30_000, 500);

  before(async () => {
    m = await startTwoMachines({ name: 'jp' });
    await apply({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        pod('web-a', m.nodeA, { app: 'web', role: 'client' }),
        pod('other-a', m.nodeA, { role: 'other' }),
        pod('web-b', m.nodeB, { app: 'web', role: 'client' }),
        pod('other-b', m.nodeB, { role: 'other' }),
      ],
    });
    for (const name of ['web-a', 'other-a', 'web-b', 'other-b'])
      ip[name] = await waitFor(
        `${name} Running`,
        async () => {
          const p = await m.cp.json(['get', 'pod', name]);
          return p.status?.phase === 'Running' && (p.status.podIP as string);
        },
        60_000,
        500,
      );
  });
  after(async () => {
    await m?.cleanup();
  });

  it('without policies pods reach each other across the machines', async () => {
    assert.ok(await reaches('web-a', 'web-b'), 'A → B');
    assert.ok(await reaches('web-b', 'web-a'), 'B → A');
  });

  it('a default deny blocks A → B (enforced on B) and B → A (enforced on A)', async () => {
    await apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny', namespace: 'default' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
    await Promise.all([becomes('web-a', 'web-b', false), becomes('web-b', 'web-a', false)]);
  });

  it('an allow from role=client opens both ways for the labelled pods on the other machine, not for the others', async () => {
    await apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-clients', namespace: 'default' },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 8080 }] }],
      },
    });
    await Promise.all([becomes('web-a', 'web-b', true), becomes('web-b', 'web-a', true)]);
    const [aToB, bToA] = await Promise.all([reaches('other-a', 'web-b'), reaches('other-b', 'web-a')]);
    assert.equal(aToB, false, 'other-a (A) → web-b (B) stays blocked');
    assert.equal(bToA, false, 'other-b (B) → web-a (A) stays blocked');
    // The joined machine says what enforces it there.
    assert.match(m.agentOutput(), /network policy: enforcing for node jp-b's pods as kube-system\/skiff-network-policy/);
  });

  it("the joined machine's policy account reads pods, namespaces and policies, nothing else", async () => {
    const can = async (...args: string[]) =>
      (
        await m.cp.kubectl(['auth', 'can-i', ...args, '-A', '--as', 'system:serviceaccount:kube-system:skiff-network-policy'])
      ).stdout.trim();
    assert.equal(await can('watch', 'pods'), 'yes');
    assert.equal(await can('list', 'networkpolicies.networking.k8s.io'), 'yes');
    for (const attempt of [
      ['get', 'secrets'],
      ['create', 'pods'],
      ['delete', 'networkpolicies.networking.k8s.io'],
      ['create', 'pods/exec'],
      ['patch', 'nodes'],
    ])
      assert.equal(await can(...attempt), 'no', attempt.join(' '));
  });

  it("the agent's endpoint takes credentials (and gives usage) only from the API server's certificate, not a node's", async () => {
    const node = await m.cp.json(['get', 'node', m.nodeB]);
    const port = Number(node.metadata.annotations['skiff.dev/agent-endpoint']);
    const asNode = readNodeCredentials(join(m.dir, 'b', 'node')); // a cluster-CA certificate, system:node:jp-b
    const call = (method: string, path: string, body?: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: m.b.address, port, path, method, ...asNode, rejectUnauthorized: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(body);
      });
    const forged = JSON.stringify({ token: 'forged', serviceCIDR: '0.0.0.0/0', passFrom: ['10.0.0.1'] });
    assert.equal(await call('POST', '/network/credentials', forged), 403);
    assert.equal(await call('GET', '/metrics/usage'), 403);
  });
});
