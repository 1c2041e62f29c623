/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- API answers read as untyped JSON, as a user's script would */
// Issue 15, the join protocol (kubeadm's): bootstrap-token Secrets authenticate as
// system:bootstrap:<id>, cluster-info is readable anonymously and signed per token (JWS), a
// token's CSR for a node client certificate is approved and signed, other CSRs wait for
// `kubectl certificate approve`, and expired tokens are refused and cleaned away.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startSimCluster, type SimCluster } from './sim-cluster';
import { createHttpClient } from '../../engine/client/http-client';
import { R } from '../../engine/client/types';
import { clockSkewLine, discoverCluster, JoinError } from '../../engine/kubelet/join/discovery';
import { requestNodeCertificate } from '../../engine/kubelet/join/tls-bootstrap';
import { verifyClientCert } from '../../engine/pki/verify-client';
import { caCertHash, CLUSTER_INFO, verifyDetached } from '../../engine/pki/bootstrap-token';
import { createCsr } from '../../engine/pki/csr';
import { startCertRotation } from '../../engine/kubelet/join/cert-rotation';
import { X509Certificate } from 'node:crypto';
import { waitFor } from '../wait-for';

function tokenSecret(id: string, secret: string, expiration?: string) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
    type: 'bootstrap.kubernetes.io/token',
    stringData: {
      'token-id': id,
      'token-secret': secret,
      'usage-bootstrap-authentication': 'true',
      'usage-bootstrap-signing': 'true',
      'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token,system:masters',
      ...(expiration ? { expiration } : {}),
    },
  };
}

function anonymousGet(url: string, path: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path, rejectUnauthorized: false, agent: false }, (res) => {
      let t = '';
      res.on('data', (c) => (t += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(t) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('join protocol', () => {
  let c: SimCluster;
  let ca: string;
  before(async () => {
    c = await startSimCluster({ nodes: 1, name: 'joinproto' });
    ca = (await c.client.get(R.configmaps, 'kube-system', 'kube-root-ca.crt').catch(() => undefined))?.data?.['ca.crt'] ?? '';
    if (!ca) {
      const { readFileSync } = await import('node:fs');
      ca = readFileSync(`${c.dir}/joinproto/pki/ca.crt`, 'utf8');
    }
    await c.ok(['apply', '-f', '-'], JSON.stringify(tokenSecret('abcdef', '0123456789abcdef')));
  });
  after(() => c?.stop());

  it('cluster-info is readable anonymously, signed for the token, and nothing else is', async () => {
    const info = await waitFor("the token's signature in cluster-info", async () => {
      const r = await anonymousGet(c.cp.url, '/api/v1/namespaces/kube-public/configmaps/cluster-info');
      return r.status === 200 && r.body.data?.['jws-kubeconfig-abcdef'] ? r.body : undefined;
    });
    assert.ok(verifyDetached(info.data.kubeconfig, info.data['jws-kubeconfig-abcdef'], { id: 'abcdef', secret: '0123456789abcdef' }));
    assert.equal((await anonymousGet(c.cp.url, '/api/v1/namespaces/kube-public/configmaps')).status, 401);
    assert.equal((await anonymousGet(c.cp.url, '/api/v1/namespaces/kube-system/secrets')).status, 401);
    const found = await discoverCluster(c.cp.url, { id: 'abcdef', secret: '0123456789abcdef' }, caCertHash(ca));
    assert.equal(found.caCert, ca);
    assert.ok(Math.abs(found.clockSkewMs!) < 2500, `skew ${found.clockSkewMs} ms on one machine`);
    assert.equal(clockSkewLine(found.clockSkewMs, 'x'), undefined);
    // This machine's clock 90 s slow: the join says so in one line.
    const slow = await discoverCluster(c.cp.url, { id: 'abcdef', secret: '0123456789abcdef' }, caCertHash(ca), {
      now: () => Date.now() - 90_000,
    });
    assert.match(
      clockSkewLine(slow.clockSkewMs, 'a:1') ?? '',
      /^warning: this machine's clock is (89|90|91) s behind the cluster's at a:1; .*sync both clocks/,
    );
    await assert.rejects(
      discoverCluster(c.cp.url, { id: 'abcdef', secret: '0123456789abcdef' }, 'sha256:' + '0'.repeat(64)),
      (e: Error) => {
        assert.ok(e instanceof JoinError);
        assert.match(e.message, /^the cluster's CA does not match --discovery-token-ca-cert-hash/);
        return true;
      },
    );
    await assert.rejects(
      discoverCluster(c.cp.url, { id: 'zzzzzz', secret: '0123456789abcdef' }, caCertHash(ca)),
      /token "zzzzzz" is unknown/,
    );
  });

  it('a bootstrap token gets a node client certificate, auto-approved and signed; its extra groups stay under system:bootstrappers', async () => {
    const boot = createHttpClient({ server: c.cp.url, ca, token: 'abcdef.0123456789abcdef' });
    const who = await boot.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    assert.equal(who.body.status.userInfo.username, 'system:bootstrap:abcdef');
    assert.deepEqual(who.body.status.userInfo.groups.sort(), [
      'system:authenticated',
      'system:bootstrappers',
      'system:bootstrappers:kubeadm:default-node-token',
    ]);
    // The token can do nothing but ask for certificates.
    await assert.rejects(boot.list(R.secrets, 'kube-system'), (e: { code: number }) => e.code === 403);
    const creds = await requestNodeCertificate(boot, 'joined-1', { timeoutMs: 20_000 });
    assert.deepEqual(verifyClientCert(creds.cert, ca), { user: 'system:node:joined-1', groups: ['system:nodes'] });
    const table = await c.ok(['get', 'csr']);
    assert.match(table, /kubernetes\.io\/kube-apiserver-client-kubelet\s+system:bootstrap:abcdef\s+.*Approved,Issued/);
    boot.close();
    // The node, with its certificate, renews its own (selfnodeclient) and is approved again.
    const node = createHttpClient({ server: c.cp.url, ca, ...creds });
    const again = await requestNodeCertificate(node, 'joined-1', { timeoutMs: 20_000 });
    assert.deepEqual(verifyClientCert(again.cert, ca), { user: 'system:node:joined-1', groups: ['system:nodes'] });
    // ... but not a certificate for another node.
    await assert.rejects(requestNodeCertificate(node, 'joined-2', { timeoutMs: 1500 }), /was not approved within/);
    node.close();
  });

  it('TokenReview answers for bootstrap tokens (the API audiences only), as for other tokens', async () => {
    const review = async (token: string, audiences?: string[]) =>
      JSON.parse(
        await c.ok(
          ['create', '--raw', '/apis/authentication.k8s.io/v1/tokenreviews', '-f', '-'],
          JSON.stringify({
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenReview',
            spec: { token, ...(audiences ? { audiences } : {}) },
          }),
        ),
      ).status;
    const ok = await review('abcdef.0123456789abcdef');
    assert.equal(ok.authenticated, true);
    assert.equal(ok.user.username, 'system:bootstrap:abcdef');
    assert.ok(ok.user.groups.includes('system:bootstrappers'));
    assert.ok(ok.audiences.length > 0);
    assert.notEqual((await review('abcdef.ffffffffffffffff')).authenticated, true);
    // A token with no audience of its own is not valid for someone else's.
    assert.notEqual((await review('abcdef.0123456789abcdef', ['vault'])).authenticated, true);
  });

  it('a joined node rotates its client certificate with its current one (fresh key, the client switches over)', async () => {
    const boot = createHttpClient({ server: c.cp.url, ca, token: 'abcdef.0123456789abcdef' });
    const first = await requestNodeCertificate(boot, 'rotating', { timeoutMs: 20_000 });
    boot.close();
    const node = createHttpClient({ server: c.cp.url, ca, ...first });
    const saved: string[] = [];
    const rotation = startCertRotation({ client: node, nodeName: 'rotating', cert: first.cert, onRotated: (cr) => saved.push(cr.cert) });
    try {
      // Due between 70 % and 90 % of the certificate's life, not now.
      const x = new X509Certificate(first.cert);
      const life = Date.parse(x.validTo) - Date.parse(x.validFrom);
      const at = rotation.nextAt().getTime() - Date.parse(x.validFrom);
      assert.ok(at >= 0.7 * life && at <= 0.9 * life, `renewal at ${at / life} of the life`);
      const next = await rotation.rotateNow();
      assert.notEqual(next.key, first.key);
      assert.deepEqual(saved, [next.cert]);
      assert.deepEqual(verifyClientCert(next.cert, ca), { user: 'system:node:rotating', groups: ['system:nodes'] });
      const who = await node.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
      });
      assert.equal(who.body.status.userInfo.username, 'system:node:rotating');
    } finally {
      rotation.stop();
      node.close();
    }
  });

  it('an administrator approves what the approver leaves alone (kubectl certificate approve)', async () => {
    // bob may ask for certificates, not for node certificates: his request waits.
    await c.ok(['create', 'clusterrolebinding', 'bob-csr', '--clusterrole=system:node-bootstrapper', '--user=bob']);
    const { csr } = await createCsr({ commonName: 'system:node:manual', organizations: ['system:nodes'] });
    await c.ok(
      ['--as=bob', 'create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { name: 'manual' },
        spec: {
          request: Buffer.from(csr).toString('base64'),
          signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
          usages: ['digital signature', 'client auth'],
        },
      }),
    );
    assert.match(await c.ok(['get', 'csr', 'manual']), /bob\s+<none>\s+Pending/);
    assert.match(await c.ok(['certificate', 'approve', 'manual']), /approved/);
    const cert = await waitFor(
      'the manual CSR signed',
      async () => (await c.client.get(R.csrs, undefined, 'manual')).status?.certificate as string | undefined,
    );
    assert.deepEqual(verifyClientCert(Buffer.from(cert, 'base64').toString(), ca), {
      user: 'system:node:manual',
      groups: ['system:nodes'],
    });
    // A request that is not a CSR is refused with the field.
    const bad = await c.kubectl(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { name: 'bad' },
        spec: { request: 'aGVsbG8=', signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['client auth'] },
      }),
    });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec\.request: Invalid value/);
  });

  it('approving and signing need approve/sign on the signer; no system:masters client certificates (attacks refused)', async () => {
    // carol may update CSRs' approval and status (RBAC on the subresources) but holds no signer.
    await c.ok(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'csr-writer' },
        rules: [
          {
            apiGroups: ['certificates.k8s.io'],
            resources: ['certificatesigningrequests', 'certificatesigningrequests/approval', 'certificatesigningrequests/status'],
            verbs: ['create', 'get', 'list', 'update', 'patch'],
          },
        ],
      }),
    );
    await c.ok(['create', 'clusterrolebinding', 'carol-csr', '--clusterrole=csr-writer', '--user=carol']);
    const csrObject = async (name: string, signerName: string, cn: string, orgs: string[]) => {
      const { csr } = await createCsr({ commonName: cn, organizations: orgs });
      return JSON.stringify({
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { name },
        spec: { request: Buffer.from(csr).toString('base64'), signerName, usages: ['digital signature', 'client auth'] },
      });
    };
    await c.ok(
      ['--as=carol', 'create', '-f', '-'],
      await csrObject('carols', 'kubernetes.io/kube-apiserver-client-kubelet', 'system:node:evil', ['system:nodes']),
    );
    const approve = await c.kubectl(['--as=carol', 'certificate', 'approve', 'carols']);
    assert.notEqual(approve.code, 0);
    assert.match(approve.stderr, /user not permitted to approve requests with signerName "kubernetes\.io\/kube-apiserver-client-kubelet"/);
    const forged = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
    const sign = await c.kubectl([
      '--as=carol',
      'patch',
      'csr',
      'carols',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { certificate: forged } }),
    ]);
    assert.notEqual(sign.code, 0);
    assert.match(sign.stderr, /user not permitted to sign requests with signerName "kubernetes\.io\/kube-apiserver-client-kubelet"/);
    assert.match(await c.ok(['get', 'csr', 'carols']), /carol\s+<none>\s+Pending/);
    // Granted approve on the signer's domain, she may.
    await c.ok(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'k8s-signers-approver' },
        rules: [{ apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: ['kubernetes.io/*'], verbs: ['approve'] }],
      }),
    );
    await c.ok(['create', 'clusterrolebinding', 'carol-approve', '--clusterrole=k8s-signers-approver', '--user=carol']);
    assert.match(await c.ok(['--as=carol', 'certificate', 'deny', 'carols']), /denied/);
    // Nobody, not even an administrator, asks the API client signer for system:masters.
    const masters = await c.kubectl(['create', '-f', '-'], {
      input: await csrObject('masters', 'kubernetes.io/kube-apiserver-client', 'mallory', ['system:masters']),
    });
    assert.notEqual(masters.code, 0);
    assert.match(masters.stderr, /use of kubernetes\.io\/kube-apiserver-client signer with system:masters group is not allowed/);
  });

  it('an expired token is refused, loses its signature and is deleted', async () => {
    const soon = new Date(Date.now() + 5000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await c.ok(['apply', '-f', '-'], JSON.stringify(tokenSecret('expire', 'aaaaaaaaaaaaaaaa', soon)));
    const boot = createHttpClient({ server: c.cp.url, ca, token: 'expire.aaaaaaaaaaaaaaaa' });
    await waitFor(
      'the new token signed',
      async () =>
        (await anonymousGet(c.cp.url, '/api/v1/namespaces/kube-public/configmaps/cluster-info')).body.data['jws-kubeconfig-expire'],
    );
    const review = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };
    assert.equal((await boot.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', review)).status, 201);
    await waitFor(
      'the expired token deleted',
      async () => (await c.kubectl(['get', 'secret', '-n', 'kube-system', 'bootstrap-token-expire'])).code !== 0,
      10_000,
    );
    const r = await boot.request('GET', '/api/v1/namespaces/default/pods');
    assert.equal(r.status, 401);
    const info = await anonymousGet(c.cp.url, '/api/v1/namespaces/kube-public/configmaps/cluster-info');
    assert.equal(info.body.data['jws-kubeconfig-expire'], undefined);
    assert.ok(info.body.data['jws-kubeconfig-abcdef']);
    assert.ok(!Object.keys(info.body.data).some((k) => k === CLUSTER_INFO.jwsPrefix + 'expire'));
    boot.close();
  });
});
