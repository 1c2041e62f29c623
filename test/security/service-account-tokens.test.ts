// Attack tests for service-account tokens (issue 12, finding 6): a token outlived its
// ServiceAccount, pod or Secret, its audience was never checked, and nothing outside the API
// server could check one. Now each of those tokens answers 401 once what it stands for is gone,
// and a checker outside the server verifies a pod-bound token through TokenReview and through
// nothing but the JWKS the server publishes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { request } from 'node:https';
import { waitFor } from '../wait-for';
import { startRbacFixture, type RbacFixture } from './rbac-fixture';
import { startControllerManager } from '../../engine/controllers/manager';
import { createInProcessClient } from '../../engine/apiserver/in-process-client';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlPath, run } from '../integration/harness';

const SETUP = `
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: tok}}
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: app, namespace: tok}}
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: doomed, namespace: tok}}
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: checker, namespace: tok}}
- apiVersion: v1
  kind: Pod
  metadata: {name: web, namespace: tok}
  spec: {serviceAccountName: app, containers: [{name: c, image: busybox}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: short-lived, namespace: tok}
  spec: {serviceAccountName: app, containers: [{name: c, image: busybox}]}
- apiVersion: v1
  kind: Secret
  type: kubernetes.io/service-account-token
  metadata: {name: app-legacy, namespace: tok, annotations: {kubernetes.io/service-account.name: app}}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: tok-checker-auth-delegator}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:auth-delegator}
  subjects: [{kind: ServiceAccount, name: checker, namespace: tok}]
`;

type Json = Record<string, unknown>;

describe('service-account tokens: bound, revocable, checkable from outside', { timeout: 120_000 }, () => {
  let r: RbacFixture;
  let stopTokens: () => void;
  let configs = 0;

  /** kubectl with only a bearer token, reading `input` on stdin. */
  const withTokenInput = (token: string, args: string[], input: string) => {
    const file = join(r.f.dir, `sa-token-${++configs}.kubeconfig`);
    const ca = Buffer.from(r.f.pki.caCert).toString('base64');
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: r.f.server.url, 'certificate-authority-data': ca } }],
      users: [{ name: 'u', user: { token } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    };
    writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
    return run(kubectlPath(), args, { env: { KUBECONFIG: file, HOME: r.f.dir, KUBECACHEDIR: join(r.f.dir, 'cache') }, input });
  };

  /** A request needing only a valid identity: 401 when the token is refused. */
  const accepted = async (token: string) => {
    const res = await r.withToken(token, ['get', '--raw', '/api']);
    if (res.code === 0) return true;
    assert.match(res.stderr, /Unauthorized|must be logged in/, res.stderr);
    return false;
  };
  const boundToken = async (kind: 'Pod' | 'Secret', name: string, extra: string[] = []) => {
    const res = await r.admin(['create', 'token', 'app', '-n', 'tok', '--bound-object-kind', kind, '--bound-object-name', name, ...extra]);
    assert.equal(res.code, 0, res.stderr);
    return res.stdout.trim();
  };
  /** A plain HTTPS GET with a bearer token (what an outside checker does). */
  const get = (path: string, token: string) =>
    new Promise<{ status: number; type: string; body: Json }>((resolve, reject) => {
      const req = request(`${r.f.server.url}${path}`, { ca: r.f.pki.caCert, headers: { Authorization: `Bearer ${token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            type: String(res.headers['content-type']),
            body: JSON.parse(Buffer.concat(chunks).toString()) as Json,
          }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  /** A TokenReview sent as the admin (`as` = 'admin') or with the bearer token `as`. */
  const tokenReview = async (as: string, token: string, audiences?: string[]) => {
    const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } });
    const args = ['create', '--raw', '/apis/authentication.k8s.io/v1/tokenreviews', '-f', '-'];
    const res = as === 'admin' ? await r.admin(args, body) : await withTokenInput(as, args, body);
    assert.equal(res.code, 0, res.stderr);
    return (JSON.parse(res.stdout) as { status: Json }).status;
  };

  before(async () => {
    r = await startRbacFixture();
    const manager = await startControllerManager({
      client: createInProcessClient(r.f.server.core),
      only: ['serviceaccount-token'],
      serviceAccountTokens: r.f.server.core.serviceAccountTokens,
      caCert: r.f.pki.caCert,
    });
    stopTokens = () => manager.stop();
    const res = await r.admin(['apply', '-f', '-'], SETUP);
    assert.equal(res.code, 0, res.stderr);
  });
  after(async () => {
    stopTokens?.();
    await r?.close();
  });

  test('a deleted ServiceAccount takes its tokens with it', async () => {
    const token = await r.tokenOf('tok', 'doomed');
    assert.ok(await accepted(token));
    assert.equal((await r.admin(['delete', 'serviceaccount', 'doomed', '-n', 'tok'])).code, 0);
    assert.equal(await accepted(token), false);
    // Recreated under the same name, the account has a new UID: the old token stays dead.
    assert.equal((await r.admin(['create', 'serviceaccount', 'doomed', '-n', 'tok'])).code, 0);
    assert.equal(await accepted(token), false);
  });

  test('a token bound to a pod dies with the pod', async () => {
    const token = await boundToken('Pod', 'short-lived');
    assert.ok(await accepted(token));
    assert.equal((await r.admin(['delete', 'pod', 'short-lived', '-n', 'tok', '--grace-period=0', '--force'])).code, 0);
    assert.equal(await accepted(token), false);
    const review = await tokenReview('admin', token);
    assert.notEqual(review.authenticated, true);
    assert.match(String(review.error), /invalidated/);
  });

  test('a token bound to a Secret dies with the Secret', async () => {
    assert.equal((await r.admin(['create', 'secret', 'generic', 'anchor', '-n', 'tok', '--from-literal=k=v'])).code, 0);
    const token = await boundToken('Secret', 'anchor');
    assert.ok(await accepted(token));
    assert.equal((await r.admin(['delete', 'secret', 'anchor', '-n', 'tok'])).code, 0);
    assert.equal(await accepted(token), false);
  });

  test('a legacy Secret token dies with its Secret', async () => {
    const b64 = await waitFor('the token controller fills app-legacy', async () => {
      const res = await r.admin(['get', 'secret', 'app-legacy', '-n', 'tok', '-o', 'jsonpath={.data.token}']);
      return res.stdout.trim();
    });
    const token = Buffer.from(b64, 'base64').toString();
    assert.ok(await accepted(token));
    assert.equal((await r.admin(['delete', 'secret', 'app-legacy', '-n', 'tok'])).code, 0);
    assert.equal(await accepted(token), false);
  });

  test('a token for another audience is refused by the API but valid for that audience', async () => {
    const token = await boundToken('Pod', 'web', ['--audience', 'vault']);
    assert.equal(await accepted(token), false);
    const review = await tokenReview('admin', token, ['vault']);
    assert.equal(review.authenticated, true);
    assert.deepEqual(review.audiences, ['vault']);
    // TokenRequest refuses a lifetime under 10 minutes, as upstream.
    const short = await r.admin(['create', 'token', 'app', '-n', 'tok', '--duration=5m']);
    assert.notEqual(short.code, 0);
    assert.match(short.stderr, /may not specify a duration less than 10 minutes/);
  });

  test('an outside checker verifies a pod token through TokenReview and through the JWKS alone', async () => {
    const token = await boundToken('Pod', 'web');
    const pod = JSON.parse((await r.admin(['get', 'pod', 'web', '-n', 'tok', '-o', 'json'])).stdout) as { metadata: { uid: string } };
    const sa = JSON.parse((await r.admin(['get', 'sa', 'app', '-n', 'tok', '-o', 'json'])).stdout) as { metadata: { uid: string } };

    // kube-rbac-proxy style: the checker's own token (system:auth-delegator) asks about the pod's.
    const checker = await r.tokenOf('tok', 'checker');
    const review = await tokenReview(checker, token);
    assert.equal(review.authenticated, true);
    const user = review.user as { username: string; uid: string; groups: string[]; extra: Record<string, string[]> };
    assert.equal(user.username, 'system:serviceaccount:tok:app');
    assert.equal(user.uid, sa.metadata.uid);
    assert.deepEqual(user.groups, ['system:serviceaccounts', 'system:serviceaccounts:tok', 'system:authenticated']);
    assert.deepEqual(user.extra['authentication.kubernetes.io/pod-name'], ['web']);
    assert.deepEqual(user.extra['authentication.kubernetes.io/pod-uid'], [pod.metadata.uid]);
    assert.deepEqual(review.audiences, ['https://kubernetes.default.svc.cluster.local']);
    // The pod's own token has no business reviewing tokens.
    const denied = await withTokenInput(
      token,
      ['create', '--raw', '/apis/authentication.k8s.io/v1/tokenreviews', '-f', '-'],
      '{"spec":{"token":"x"}}',
    );
    assert.match(denied.stderr, /Forbidden|forbidden/);

    // OIDC discovery, readable by any authenticated caller; then the JWKS it points to.
    const config = await get('/.well-known/openid-configuration', token);
    assert.equal(config.status, 200);
    assert.equal(config.body.issuer, 'https://kubernetes.default.svc.cluster.local');
    assert.deepEqual(config.body.response_types_supported, ['id_token']);
    assert.deepEqual(config.body.subject_types_supported, ['public']);
    assert.deepEqual(config.body.id_token_signing_alg_values_supported, ['ES256']);
    const jwksUrl = new URL(String(config.body.jwks_uri));
    const jwks = await get(jwksUrl.pathname, token);
    assert.equal(jwks.status, 200);
    assert.match(jwks.type, /application\/jwk-set\+json/);
    const [h, p, s] = token.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg: string; kid: string };
    const jwk = (jwks.body.keys as (JsonWebKey & { kid: string })[]).find((k) => k.kid === header.kid);
    assert.ok(jwk, 'the token names a key the JWKS publishes');
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url')));
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Json;
    assert.equal(claims.iss, config.body.issuer);
    assert.equal(claims.sub, 'system:serviceaccount:tok:app');
    assert.deepEqual((claims['kubernetes.io'] as Json).pod, { name: 'web', uid: pod.metadata.uid });
    // A tampered payload fails the same check.
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
    assert.equal(verify('sha256', Buffer.from(`${h}.${forged}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url')), false);
  });

  test('TokenReview is listed in discovery', async () => {
    const res = await r.admin(['api-resources', '--api-group=authentication.k8s.io', '-o', 'name']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^tokenreviews\.authentication\.k8s\.io$/m);
  });
});
