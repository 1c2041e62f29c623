// Service-account key rotation across control-plane instances (issues 12 and 15): two Skiff
// processes over a 3-member etcd. Before, each instance followed only its own pki/ files, so a
// rotation in instance A's data dir made A sign tokens that instance B refused (401), and a
// retirement left B accepting the retired (say, leaked) key. Now the key set is shared in etcd:
// rotate through A → a token A newly signs works on B; retire through B → a token of the retired
// key is 401 on both. Every copy of the keys on disk stays owner-only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { etcdRequired, findEtcdBinary } from '../../engine/store/testing/etcd-test-server';
import { run } from '../integration/harness';
import { waitFor } from '../wait-for';
import { startHaCluster, type HaCluster, type HaInstance } from './testing/ha-cluster';

const skip = findEtcdBinary() ? false : 'etcd is not installed';
if (skip && etcdRequired()) throw new Error(`CI needs etcd: ${skip}`);

let ha: HaCluster | undefined;
let a: HaInstance;
let b: HaInstance;
before(async () => {
  if (skip) return;
  ha = await startHaCluster({ nodes: [0, 0] });
  [a, b] = ha.instances;
});
after(async () => {
  await ha?.stop();
});

const home = (i: HaInstance) => dirname(i.kubeconfig);
const pkiOf = (i: HaInstance) => join(home(i), 'data', ha!.name, 'pki');
const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;

/** GET `path` with nothing but a bearer token, as a pod or an outside checker sends it. */
function bearerStatus(i: HaInstance, token: string, path = '/api'): Promise<number> {
  const kc = parse(readFileSync(i.kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  };
  const { server, 'certificate-authority-data': ca } = kc.clusters[0].cluster;
  return new Promise((resolve, reject) => {
    const req = request(
      `${server}${path}`,
      { ca: Buffer.from(ca, 'base64'), agent: false, headers: { Authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const jwks = async (i: HaInstance) => ((await i.http.call('GET', '/openid/v1/jwks')).body.keys as { kid: string }[]).map((k) => k.kid);

async function tokenVia(i: HaInstance): Promise<string> {
  const r = await i.http.call('POST', '/api/v1/namespaces/default/serviceaccounts/bot/token', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return (r.body.status as { token: string }).token;
}

const skiff = (i: HaInstance, args: string[]) =>
  run(
    process.execPath,
    [join(process.cwd(), 'bin/skiff.mjs'), 'sa-key', ...args, '--name', ha!.name, '--data-dir', join(home(i), 'data')],
    {
      env: { HOME: home(i) },
      timeoutMs: 60_000,
    },
  );

test('sa-key rotate through one instance reaches the other; retire through the other refuses the old key on both', { skip }, async () => {
  const sa = await a.http.call('POST', '/api/v1/namespaces/default/serviceaccounts', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'bot' },
  });
  assert.equal(sa.status, 201, JSON.stringify(sa.body));
  const old = await tokenVia(a);
  const [oldKid] = await jwks(a);
  assert.deepEqual(await jwks(b), [oldKid], 'both instances start on the one shared key');
  assert.equal(await bearerStatus(b, old), 200);

  const rotated = await skiff(a, ['rotate']);
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.match(
    rotated.stdout,
    /service-account signing key rotated for cluster "ha\d+"; tokens signed with the old key are accepted until /,
  );
  assert.match(
    rotated.stdout,
    /every running instance of the cluster over etcd http:\/\/127\.0\.0\.1:\d+(,http:\/\/127\.0\.0\.1:\d+)* applies it/,
  );
  for (const i of [a, b]) await waitFor('the new key on both instances', async () => (await jwks(i)).length === 2, 15_000);
  const [newKid] = await jwks(a);
  assert.deepEqual(await jwks(b), [newKid, oldKid], 'B lists the new key first, then the retiring one');

  // The attack before this change: B refused what A now signs (and a retire missed B).
  const fresh = await tokenVia(a);
  assert.equal(kidOf(fresh), newKid, 'A signs with the new key');
  assert.equal(await bearerStatus(b, fresh), 200, 'a token newly signed via A verifies on B');
  const viaB = await tokenVia(b);
  assert.equal(kidOf(viaB), newKid, 'B signs with the new key too');
  assert.equal(await bearerStatus(a, viaB), 200);
  for (const i of [a, b]) assert.equal(await bearerStatus(i, old), 200, 'a token of the old key works in the overlap');
  // B's pki/ holds a copy of the shared keys, owner-only.
  await waitFor("B's copy of the new key", () =>
    Promise.resolve(readFileSync(join(pkiOf(b), 'sa.key'), 'utf8') === readFileSync(join(pkiOf(a), 'sa.key'), 'utf8')),
  );

  const retired = await skiff(b, ['retire']);
  assert.equal(retired.code, 0, retired.stderr);
  assert.match(retired.stdout, /1 earlier service-account key\(s\) of cluster "ha\d+" retired; tokens they signed are refused/);
  for (const i of [a, b]) await waitFor('the old key retired on both instances', async () => (await jwks(i)).length === 1, 15_000);
  for (const i of [a, b]) {
    assert.equal(await bearerStatus(i, old), 401, 'a token of the retired key is refused on every instance');
    assert.equal(await bearerStatus(i, fresh), 200);
    for (const f of ['sa.key', 'sa-previous.json']) assert.equal(statSync(join(pkiOf(i), f)).mode & 0o777, 0o600, `${f} is owner-only`);
  }
});
