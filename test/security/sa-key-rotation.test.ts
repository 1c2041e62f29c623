// `skiff sa-key rotate` (issue 12): a stolen or aged service-account signing key is replaced.
// Tokens the old key signed keep working while they may still be in use (the overlap: 49 h,
// longer than any bound token lives) and are refused after it; tokens the old key alone would
// sign after the rotation are refused at once. The keys are loaded the way a cluster's next
// start loads them (loadOrCreatePki).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreatePki } from '../../engine/pki/load-or-create-pki';
import { createServiceAccountTokens, previousVerifyKeys } from '../../engine/pki/service-account-tokens';
import { run } from '../integration/harness';

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
    assert.match(noAction.stderr, /^skiff: "skiff sa-key" needs the action "rotate"; run "skiff sa-key rotate"\n$/);
    const missing = await skiff(['sa-key', 'rotate', '--name', 'nosuch', '--data-dir', dataDir]);
    assert.match(missing.stderr, /cluster "nosuch" has no service-account key/);
    assert.equal(readFileSync(join(pkiDir, 'sa.key'), 'utf8'), after.serviceAccountKey, 'a failed command changes nothing');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
