// `skiff sa-key rotate|retire` (issue 12): a stolen or aged service-account signing key is
// replaced. Tokens the old key signed keep working while they may still be in use (the overlap:
// 49 h, longer than any bound token lives) and are refused after it, or at once after `retire`;
// tokens the old key alone would sign after the rotation are refused at once. First as a
// cluster's next start loads the keys (loadOrCreatePki), then on a running cluster: no restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreatePki } from '../../engine/pki/load-or-create-pki';
import { createServiceAccountTokens } from '../../engine/pki/service-account-tokens';
import { previousVerifyKeys } from '../../engine/pki/sa-key-files';
import { kubectlPath, run } from '../integration/harness';
import { waitFor } from '../wait-for';

const HOUR = 3600_000;

void test('skiff sa-key rotate: old tokens verify within the overlap and are refused after it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-sa-key-'));
  try {
    const pkiDir = join(dataDir, 'rot', 'pki');
    const before = await loadOrCreatePki(pkiDir);
    const old = createServiceAccountTokens({ privateKey: before.serviceAccountKey });
    // A legacy Secret token never expires by itself: only the key's retirement can end it.
    const legacy = old.issue('app', 'bot', 'uid-1', { legacy: { secretName: 'bot-token' } });
    const bound = old.issue('app', 'bot', 'uid-1', { expirationSeconds: 3600 });

    const skiff = (args: string[]) => run(process.execPath, [join(process.cwd(), 'bin/skiff.mjs'), ...args], { env: { HOME: dataDir } });
    const rotated = await skiff(['sa-key', 'rotate', '--name', 'rot', '--data-dir', dataDir]);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(
      rotated.stdout,
      /service-account signing key rotated for cluster "rot"; tokens signed with the old key are accepted until \d{4}-\d\d-\d\dT/,
    );
    const t0 = Date.now();

    // The next start signs with the new key and still verifies the old one.
    const after = await loadOrCreatePki(pkiDir);
    assert.notEqual(after.serviceAccountKey, before.serviceAccountKey);
    const current = createServiceAccountTokens({ privateKey: after.serviceAccountKey, verifyKeys: after.serviceAccountVerifyKeys });
    assert.equal(current.verify(bound)?.serviceAccount.name, 'bot', 'a bound token from before the rotation still works');
    assert.ok(current.verify(legacy), 'a legacy token from before the rotation still works');
    assert.equal(current.jwks().keys.length, 2, 'the JWKS lists the new and the retiring key');
    assert.equal(old.verify(current.issue('app', 'bot', 'uid-1')), undefined, 'new tokens are not the old key’s');

    // Within the overlap (48 h on), then after it (50 h on): the old key is gone from the verify set.
    const keysAt = (ms: number) => previousVerifyKeys(join(pkiDir, 'sa-previous.json'), new Date(t0 + ms));
    const at = (ms: number) => createServiceAccountTokens({ privateKey: after.serviceAccountKey, verifyKeys: keysAt(ms) });
    assert.ok(at(48 * HOUR).verify(legacy, new Date(t0 + 48 * HOUR)), 'still accepted at 48 h');
    assert.equal(at(50 * HOUR).verify(legacy, new Date(t0 + 50 * HOUR)), undefined, 'refused once the old key retired');
    assert.equal(at(50 * HOUR).jwks().keys.length, 1);

    // Bad input: one clear line each.
    const noAction = await skiff(['sa-key', '--name', 'rot', '--data-dir', dataDir]);
    assert.equal(noAction.code, 1);
    assert.match(noAction.stderr, /^skiff: "skiff sa-key" needs the action "rotate" or "retire"; run "skiff sa-key rotate"\n$/);
    const missing = await skiff(['sa-key', 'rotate', '--name', 'nosuch', '--data-dir', dataDir]);
    assert.match(missing.stderr, /cluster "nosuch" has no service-account key/);
    assert.equal(readFileSync(join(pkiDir, 'sa.key'), 'utf8'), after.serviceAccountKey, 'a failed command changes nothing');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;

void test('a running cluster follows rotate and retire: old tokens work in the overlap, new ones use the new key, retired ones get 401', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-sa-live-'));
  const env = { HOME: dataDir, SKIFF_HOME: dataDir };
  const skiff = (args: string[]) =>
    run(process.execPath, [join(process.cwd(), 'bin/skiff.mjs'), ...args, '--name', 'live', '--data-dir', dataDir], {
      env,
      timeoutMs: 90_000,
    });
  const kubeconfig = join(dataDir, 'kubeconfig');
  const kubectl = async (args: string[]) => {
    const r = await run(kubectlPath(), args, { env: { ...env, KUBECONFIG: kubeconfig } });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  try {
    const started = await skiff(['start', '--port', '0', '--nodes', '1', '--node-runtime', 'simulated', '--kubeconfig', kubeconfig]);
    assert.equal(started.code, 0, started.stderr);
    const pki = join(dataDir, 'live', 'pki');
    const ca = readFileSync(join(pki, 'ca.crt'), 'utf8');
    const adminToken = readFileSync(join(pki, 'admin.token'), 'utf8').trim();
    const server = /server: (https:\/\/\S+)/.exec(readFileSync(kubeconfig, 'utf8'))![1];
    /** A GET with nothing but a bearer token, as a pod or an outside checker sends it. */
    const get = (path: string, token: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${server}${path}`, { ca, headers: { Authorization: `Bearer ${token}` } }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const status = async (token: string) => (await get('/api', token)).status;
    const jwks = async () =>
      (JSON.parse((await get('/openid/v1/jwks', adminToken)).body) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const legacyToken = async () => {
      const b64 = await kubectl(['get', 'secret', 'bot-token', '-n', 'rot', '-o', 'jsonpath={.data.token}']);
      return b64 ? Buffer.from(b64, 'base64').toString() : '';
    };

    await kubectl(['create', 'namespace', 'rot']);
    await kubectl(['create', 'serviceaccount', 'bot', '-n', 'rot']);
    await run(kubectlPath(), ['apply', '-f', '-'], {
      env: { ...env, KUBECONFIG: kubeconfig },
      input: `{"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/service-account-token","metadata":{"name":"bot-token","namespace":"rot","annotations":{"kubernetes.io/service-account.name":"bot"}}}`,
    });
    const oldBound = await kubectl(['create', 'token', 'bot', '-n', 'rot']);
    const oldLegacy = await waitFor('the legacy token', legacyToken, 20_000);
    const [oldKid] = await jwks();
    assert.equal(kidOf(oldBound), oldKid);
    assert.equal(await status(oldBound), 200);

    const rotated = await skiff(['sa-key', 'rotate']);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /the running cluster applies it within about a second; no restart needed/);
    const kids = await waitFor('the JWKS to list the new key', async () => ((await jwks()).length === 2 ? jwks() : undefined), 10_000);
    assert.equal(kids[1], oldKid, 'the retiring key is listed after the new one');
    const newBound = await kubectl(['create', 'token', 'bot', '-n', 'rot']);
    assert.equal(kidOf(newBound), kids[0], 'new tokens are signed with the new key');
    assert.equal(await status(newBound), 200);
    assert.equal(await status(oldBound), 200, 'a token from before the rotation still works in the overlap');
    assert.equal(await status(oldLegacy), 200);

    const retired = await skiff(['sa-key', 'retire']);
    assert.equal(retired.code, 0, retired.stderr);
    assert.match(retired.stdout, /1 earlier service-account key\(s\) of cluster "live" retired/);
    await waitFor('the old key to leave the JWKS', async () => (await jwks()).length === 1, 10_000);
    // The attack: a token signed with the retired key (say, a leaked one) is refused.
    assert.equal(await status(oldBound), 401);
    assert.equal(await status(oldLegacy), 401);
    assert.equal(await status(newBound), 200, 'tokens of the current key still work');
    // The legacy Secret gets a token of the current key, which works.
    const reissued = await waitFor('the legacy token reissued', async () => {
      const t = await legacyToken();
      return t !== oldLegacy && t;
    });
    assert.equal(kidOf(reissued), kids[0]);
    assert.equal(await status(reissued), 200);
  } finally {
    await skiff(['stop']);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
