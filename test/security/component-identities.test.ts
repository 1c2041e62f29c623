// Attack tests for least privilege of Skiff's own components (issue 12): with a client
// certificate for system:kube-scheduler or for a node (system:node:<name> in system:nodes, the
// identity a joined machine's kubelet will hold), real kubectl gets upstream's Forbidden where
// those identities used to act as cluster-admin: the scheduler reading Secrets, node A reading a
// Secret only node B's pod uses, node A relabelling or tainting node B.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { issueClientCert } from '../../engine/pki/create-pki';
import { kubectlPath, run, type RunResult } from '../integration/harness';
import { startRbacFixture, type RbacFixture } from './rbac-fixture';

const SETUP = `
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: app}}
- {apiVersion: v1, kind: Node, metadata: {name: node-a}}
- {apiVersion: v1, kind: Node, metadata: {name: node-b}}
- {apiVersion: v1, kind: Secret, metadata: {name: for-a, namespace: app}, stringData: {password: mine}}
- {apiVersion: v1, kind: Secret, metadata: {name: for-b, namespace: app}, stringData: {password: hunter2}}
- apiVersion: v1
  kind: Pod
  metadata: {name: on-a, namespace: app}
  spec:
    nodeName: node-a
    automountServiceAccountToken: false
    containers: [{name: c, image: busybox, env: [{name: P, valueFrom: {secretKeyRef: {name: for-a, key: password}}}]}]
- apiVersion: v1
  kind: Pod
  metadata: {name: on-b, namespace: app}
  spec:
    nodeName: node-b
    automountServiceAccountToken: false
    containers: [{name: c, image: busybox}]
    volumes: [{name: s, secret: {secretName: for-b}}]
`;

describe('component identities (client certificates, real kubectl)', () => {
  let r: RbacFixture;
  let as: (user: string, groups: string[]) => Promise<(args: string[]) => Promise<RunResult>>;
  /** One PATCH (merge) or POST as system:node:node-a: writes kubectl cannot make without reading first. */
  let asNodeA: (method: string, path: string, body: unknown) => Promise<{ status: number; message: string }>;

  before(async () => {
    r = await startRbacFixture();
    const setup = await r.admin(
      ['apply', '-f', '-'],
      SETUP.replace('containers: [{name: c, image: busybox}]', 'containers: [{name: c, image: busybox}]'),
    );
    assert.equal(setup.code, 0, setup.stderr);
    let n = 0;
    const nodeCert = await issueClientCert(r.f.pki.caCert, r.f.pki.caKey, 'system:node:node-a', ['system:nodes']);
    asNodeA = (method, path, body) =>
      new Promise((resolve, reject) => {
        const type = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
        const req = request(
          `${r.f.server.url}${path}`,
          { method, ca: r.f.pki.caCert, cert: nodeCert.cert, key: nodeCert.key, headers: { 'Content-Type': type } },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode!, message: (JSON.parse(text) as { message?: string }).message ?? '' }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    as = async (user, groups) => {
      const cert = await issueClientCert(r.f.pki.caCert, r.f.pki.caKey, user, groups);
      const file = join(r.f.dir, `cert-${++n}.kubeconfig`);
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      writeFileSync(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'c', cluster: { server: r.f.server.url, 'certificate-authority-data': b64(r.f.pki.caCert) } }],
          users: [{ name: 'u', user: { 'client-certificate-data': b64(cert.cert), 'client-key-data': b64(cert.key) } }],
          contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
          'current-context': 'x',
        }),
        { mode: 0o600 },
      );
      return (args) => run(kubectlPath(), args, { env: { KUBECONFIG: file, HOME: r.f.dir, KUBECACHEDIR: join(r.f.dir, `cache-${n}`) } });
    };
  });
  after(async () => r?.close());

  test('the scheduler cannot read Secrets, yet reads what it schedules with', async () => {
    const scheduler = await as('system:kube-scheduler', []);
    const secret = await scheduler(['get', 'secret', 'for-a', '-n', 'app', '-o', 'jsonpath={.data}']);
    assert.notEqual(secret.code, 0);
    assert.match(
      secret.stderr,
      /Error from server \(Forbidden\): secrets "for-a" is forbidden: User "system:kube-scheduler" cannot get resource "secrets" in API group "" in the namespace "app"/,
    );
    assert.doesNotMatch(secret.stdout, /password/);
    const nodes = await scheduler(['get', 'nodes', '-o', 'name']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stdout, /node\/node-a/);
  });

  test("node A reads its own pod's Secret, never one only node B's pod uses, and cannot list Secrets", async () => {
    const nodeA = await as('system:node:node-a', ['system:nodes']);
    const own = await nodeA(['get', 'secret', 'for-a', '-n', 'app', '-o', 'jsonpath={.data.password}']);
    assert.equal(own.code, 0, own.stderr);
    assert.equal(Buffer.from(own.stdout, 'base64').toString(), 'mine');
    const other = await nodeA(['get', 'secret', 'for-b', '-n', 'app', '-o', 'jsonpath={.data.password}']);
    assert.notEqual(other.code, 0);
    assert.match(
      other.stderr,
      /secrets "for-b" is forbidden: User "system:node:node-a" cannot get resource "secrets" in API group "" in the namespace "app": no relationship found between node 'node-a' and this object/,
    );
    assert.equal(other.stdout, '');
    const list = await nodeA(['get', 'secrets', '-n', 'app']);
    assert.notEqual(list.code, 0);
    assert.match(list.stderr, /User "system:node:node-a" cannot list resource "secrets"/);
    // kubectl auth can-i sees the same answers (SelfSubjectAccessReview through the Node authorizer).
    assert.equal((await nodeA(['auth', 'can-i', 'get', 'secret/for-a', '-n', 'app'])).stdout.trim(), 'yes');
    assert.match((await nodeA(['auth', 'can-i', 'get', 'secret/for-b', '-n', 'app'])).stdout, /^no - no relationship found/);
    // A certificate naming a node without the system:nodes group is no node at all.
    const pretender = await as('system:node:node-a', []);
    assert.notEqual((await pretender(['get', 'secret', 'for-a', '-n', 'app'])).code, 0);
  });

  test('node A cannot patch node B, nor lift its own taints or set restricted labels; its own labels it can set', async () => {
    const nodeA = await as('system:node:node-a', ['system:nodes']);
    // kubectl reads node B first, which a node may no longer do (KEP-4601); a blind patch meets NodeRestriction.
    const other = await nodeA(['label', 'node', 'node-b', 'pwned=yes']);
    assert.notEqual(other.code, 0);
    assert.match(
      other.stderr,
      /nodes "node-b" is forbidden: User "system:node:node-a" cannot get resource "nodes" in API group "" at the cluster scope: node 'node-a' cannot read 'node-b', only its own Node object/,
    );
    const blind = await asNodeA('PATCH', '/api/v1/nodes/node-b', { metadata: { labels: { pwned: 'yes' } } });
    assert.equal(blind.status, 403);
    assert.equal(blind.message, 'nodes "node-b" is forbidden: node "node-a" is not allowed to modify node "node-b"');
    const taint = await nodeA(['taint', 'node', 'node-a', 'steer=here:NoSchedule']);
    assert.notEqual(taint.code, 0);
    assert.match(taint.stderr, /node "node-a" is not allowed to modify taints/);
    const label = await nodeA(['label', 'node', 'node-a', 'node-restriction.kubernetes.io/trusted=yes']);
    assert.notEqual(label.code, 0);
    assert.match(label.stderr, /node "node-a" is not allowed to modify labels: node-restriction.kubernetes.io\/trusted/);
    const evict = await nodeA(['delete', 'pod', 'on-b', '-n', 'app']);
    assert.notEqual(evict.code, 0);
    assert.match(evict.stderr, /node "node-a" can only delete pods with spec.nodeName set to itself/);
    // The labels a kubelet sets on itself stay allowed.
    const own = await nodeA(['label', 'node', 'node-a', 'kubernetes.io/hostname=node-a', 'topology.kubernetes.io/zone=desk']);
    assert.equal(own.code, 0, own.stderr);
    const b = await r.admin(['get', 'node', 'node-b', '-o', 'jsonpath={.metadata.labels.pwned}']);
    assert.equal(b.stdout, '', 'node B unchanged');
  });

  test('KEP-4601: node A lists and watches only its own pods (spec.nodeName=node-a) and reads only its own Node', async () => {
    const nodeA = await as('system:node:node-a', ['system:nodes']);
    const all = await nodeA(['get', 'pods', '-A', '-o', 'yaml']);
    assert.notEqual(all.code, 0);
    assert.match(
      all.stderr,
      /pods is forbidden: User "system:node:node-a" cannot list resource "pods" in API group "" at the cluster scope: can only list\/watch pods with spec.nodeName field selector/,
    );
    assert.doesNotMatch(all.stdout, /on-b/);
    const own = await nodeA(['get', 'pods', '-A', '--field-selector', 'spec.nodeName=node-a', '-o', 'name']);
    assert.equal(own.code, 0, own.stderr);
    assert.equal(own.stdout.trim(), 'pod/on-a');
    const others = await nodeA(['get', 'pods', '-A', '--field-selector', 'spec.nodeName=node-b']);
    assert.match(others.stderr, /can only list\/watch pods with spec.nodeName field selector/);
    const watch = await nodeA(['get', 'pods', '-n', 'app', '--watch', '--request-timeout=2s']);
    assert.match(watch.stderr, /can only list\/watch pods with spec.nodeName field selector/);
    const podB = await nodeA(['get', 'pod', 'on-b', '-n', 'app']);
    assert.match(podB.stderr, /pods "on-b" is forbidden: .* no relationship found between node 'node-a' and this object/);
    const nodes = await nodeA(['get', 'nodes']);
    assert.match(nodes.stderr, /node 'node-a' cannot read all nodes, only its own Node object/);
    const self = await nodeA(['get', 'node', 'node-a', '-o', 'name']);
    assert.equal(self.stdout.trim(), 'node/node-a', self.stderr);
  });

  test('KEP-4601: SubjectAccessReview carries fieldSelector and labelSelector, validated as upstream', async () => {
    const sar = (fieldSelector: object, labelSelector?: object) =>
      JSON.stringify({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: 'system:node:node-a',
          groups: ['system:nodes', 'system:authenticated'],
          resourceAttributes: { verb: 'list', resource: 'pods', version: 'v1', fieldSelector, ...(labelSelector ? { labelSelector } : {}) },
        },
      });
    const ask = async (body: string) => r.admin(['create', '-f', '-', '-o', 'jsonpath={.status}'], body);
    const raw = await ask(sar({ rawSelector: 'spec.nodeName=node-a' }, { rawSelector: 'app=web' }));
    assert.equal(raw.code, 0, raw.stderr);
    assert.deepEqual(JSON.parse(raw.stdout), { allowed: true });
    const reqs = await ask(sar({ requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['node-a'] }] }));
    assert.deepEqual(JSON.parse(reqs.stdout), { allowed: true });
    const other = await ask(sar({ requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['node-b'] }] }));
    assert.deepEqual(JSON.parse(other.stdout), { allowed: false, reason: 'can only list/watch pods with spec.nodeName field selector' });
    // Two values or Exists narrow nothing: never allowed more than without a selector.
    const two = await ask(sar({ requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['node-a', 'node-b'] }] }));
    assert.equal((JSON.parse(two.stdout) as { allowed: boolean }).allowed, false);
    const both = await ask(
      sar({ rawSelector: 'spec.nodeName=node-a', requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['node-a'] }] }),
    );
    assert.notEqual(both.code, 0);
    assert.match(
      both.stderr,
      /spec.resourceAttributes.fieldSelector.rawSelector: Invalid value: "spec.nodeName=node-a": may not specified at the same time as requirements/,
    );
    const neither = await ask(sar({}));
    assert.match(
      neither.stderr,
      /spec.resourceAttributes.fieldSelector.requirements: Required value: when spec.resourceAttributes.fieldSelector is specified, requirements or rawSelector is required/,
    );
  });

  test('the ingress and Gateway controllers read TLS Secrets only, by field selector; no other Secret', async () => {
    for (const user of ['system:skiff:ingress-controller', 'system:skiff:gateway-controller']) {
      const ingress = await as(user, []);
      const all = await ingress(['get', 'secrets', '-A', '-o', 'yaml']);
      assert.notEqual(all.code, 0);
      assert.match(all.stderr, new RegExp(`User "${user}" cannot list resource "secrets" in API group "" at the cluster scope`));
      assert.doesNotMatch(all.stdout, /hunter2|aHVudGVyMg/);
      const one = await ingress(['get', 'secret', 'for-b', '-n', 'app']);
      assert.match(one.stderr, new RegExp(`User "${user}" cannot get resource "secrets"`));
      const opaque = await ingress(['get', 'secrets', '-A', '--field-selector', 'type=Opaque']);
      assert.notEqual(opaque.code, 0);
      const tls = await ingress(['get', 'secrets', '-A', '--field-selector', 'type=kubernetes.io/tls', '-o', 'name']);
      assert.equal(tls.code, 0, tls.stderr);
      assert.doesNotMatch(tls.stdout, /for-a|for-b/);
      const write = await ingress(['delete', 'service', 'kubernetes', '-n', 'default']);
      assert.match(write.stderr, /cannot delete resource "services"/);
    }
  });

  test("node A cannot write node B's status, the status of node B's pods, nor evict them; its own pod's status it can", async () => {
    const nodeStatus = await asNodeA('PATCH', '/api/v1/nodes/node-b/status', {
      status: { conditions: [{ type: 'Ready', status: 'False' }] },
    });
    assert.equal(nodeStatus.status, 403);
    assert.equal(nodeStatus.message, 'nodes "node-b" is forbidden: node "node-a" is not allowed to modify node "node-b"');
    const podStatus = await asNodeA('PATCH', '/api/v1/namespaces/app/pods/on-b/status', { status: { phase: 'Failed' } });
    assert.equal(podStatus.status, 403);
    assert.equal(
      podStatus.message,
      'pods "on-b" is forbidden: node "node-a" can only update pod status for pods with spec.nodeName set to itself',
    );
    const evict = await asNodeA('POST', '/api/v1/namespaces/app/pods/on-b/eviction', {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'on-b', namespace: 'app' },
    });
    assert.equal(evict.status, 403);
    assert.match(evict.message, /node "node-a" can only delete pods with spec.nodeName set to itself/);
    const own = await asNodeA('PATCH', '/api/v1/namespaces/app/pods/on-a/status', { status: { message: 'kubelet was here' } });
    assert.equal(own.status, 200, own.message);
    const b = await r.admin(['get', 'pod', 'on-b', '-n', 'app', '-o', 'jsonpath={.status.phase}']);
    assert.notEqual(b.stdout, 'Failed', "node B's pod unchanged");
  });
});
