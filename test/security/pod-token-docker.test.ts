// A real pod's service-account token (issue 12, finding 6; issue 11: pod tokens via
// TokenRequest): the kubelet writes an hour-long token bound to the pod, one per projected
// audience; an outside checker confirms it through TokenReview; once the pod is gone, so is
// the token. (Renewal at 80 % of the life: engine/kubelet/docker/pod-tokens.test.ts.) After
// `skiff sa-key rotate` the kubelet renews the pod's token with the new key at once, so retiring
// the old key leaves the pod a working token while the old one is refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerSkip } from '../docker/docker-available';
import { BUSYBOX_IMAGE } from '../docker/images';
import { startDockerCluster, waitFor, type DockerCluster } from '../docker/docker-cluster';
import { join } from 'node:path';
import { retireSigningKeys, rotateSigningKey } from '../../engine/pki/sa-key-files';

const skip = await dockerSkip();
const NAME = `pt${process.pid}`;
let c: DockerCluster;

before(async () => {
  if (!skip) c = await startDockerCluster(NAME, 'skiff-docker-podtoken-');
});
after(async () => {
  if (!skip) await c?.stop();
});

const POD = `apiVersion: v1
kind: Pod
metadata: { name: holder }
spec:
  volumes:
  - name: vault-token
    projected: { sources: [{ serviceAccountToken: { path: token, audience: vault, expirationSeconds: 1200 } }] }
  containers:
  - name: c
    image: ${BUSYBOX_IMAGE}
    command: ["sleep", "3600"]
    volumeMounts: [{ name: vault-token, mountPath: /vault }]
`;

type Json = Record<string, unknown>;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Json;

test(
  'a pod token comes from TokenRequest, is bound to its pod, checks out through TokenReview and dies with the pod',
  { skip },
  async () => {
    const r = await c.kubectl(['apply', '-f', '-'], { input: POD });
    assert.equal(r.code, 0, r.stderr);
    await waitFor(
      'pod holder Running',
      async () => ((await c.podJSON('holder')) as { status?: { phase?: string } }).status?.phase === 'Running',
    );
    const read = async (path: string) => {
      const x = await c.kubectl(['exec', 'holder', '--', 'cat', path]);
      assert.equal(x.code, 0, x.stderr);
      return x.stdout.trim();
    };
    const token = await read('/var/run/secrets/kubernetes.io/serviceaccount/token');
    const vault = await read('/vault/token');
    const uid = ((await c.podJSON('holder')) as { metadata: { uid: string } }).metadata.uid;

    const claims = claimsOf(token);
    assert.deepEqual((claims['kubernetes.io'] as Json).pod, { name: 'holder', uid });
    assert.equal((claims.exp as number) - (claims.iat as number), 3607, 'upstream kubelet lifetime');
    assert.deepEqual(claimsOf(vault).aud, ['vault']);
    assert.equal((claimsOf(vault).exp as number) - (claimsOf(vault).iat as number), 1200);

    const review = async (t: string, audiences?: string[]) => {
      const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: t, audiences } });
      const x = await c.kubectl(['create', '--raw', '/apis/authentication.k8s.io/v1/tokenreviews', '-f', '-'], { input: body });
      assert.equal(x.code, 0, x.stderr);
      return (JSON.parse(x.stdout) as { status: Json }).status;
    };
    const ok = await review(token);
    assert.equal(ok.authenticated, true);
    assert.equal((ok.user as Json).username, 'system:serviceaccount:default:default');
    assert.equal((await review(vault)).authenticated, undefined, 'the vault token is not for the API');
    assert.equal((await review(vault, ['vault'])).authenticated, true);

    assert.equal((await c.kubectl(['delete', 'pod', 'holder', '--grace-period=0', '--force'])).code, 0);
    await waitFor('pod holder gone', async () => (await c.kubectl(['get', 'pod', 'holder'])).code !== 0);
    const gone = await review(token);
    assert.notEqual(gone.authenticated, true);
    assert.match(String(gone.error), /invalidated/);
  },
);

const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;

test(
  'after a key rotation the running pod gets a token of the new key; once the old key retires its old token is refused',
  { skip },
  async () => {
    const r = await c.kubectl(['run', 'rotated', `--image=${BUSYBOX_IMAGE}`, '--restart=Never', '--', 'sleep', '3600']);
    assert.equal(r.code, 0, r.stderr);
    await waitFor(
      'pod rotated Running',
      async () => ((await c.podJSON('rotated')) as { status?: { phase?: string } }).status?.phase === 'Running',
    );
    const token = async () => {
      const x = await c.kubectl(['exec', 'rotated', '--', 'cat', '/var/run/secrets/kubernetes.io/serviceaccount/token']);
      assert.equal(x.code, 0, x.stderr);
      return x.stdout.trim();
    };
    const authenticated = async (t: string) => {
      const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: t } });
      const x = await c.kubectl(['create', '--raw', '/apis/authentication.k8s.io/v1/tokenreviews', '-f', '-'], { input: body });
      assert.equal(x.code, 0, x.stderr);
      return (JSON.parse(x.stdout) as { status: { authenticated?: boolean } }).status.authenticated === true;
    };
    const old = await token();
    const pki = join(c.dir, NAME, 'pki');
    rotateSigningKey(join(pki, 'sa.key'), join(pki, 'sa-previous.json')); // what `skiff sa-key rotate` does
    const renewed = await waitFor('the pod token renewed with the new key', async () => {
      const t = await token();
      return kidOf(t) !== kidOf(old) && t;
    });
    assert.ok(await authenticated(old), 'the old token still works during the overlap');
    retireSigningKeys(join(pki, 'sa-previous.json')); // `skiff sa-key retire`
    await waitFor('the old token refused', async () => !(await authenticated(old)));
    assert.ok(await authenticated(renewed), "the pod's current token works");
  },
);
