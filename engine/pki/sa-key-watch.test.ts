import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServiceAccountTokens } from './service-account-tokens';
import { loadOrCreateSigningKey, RETIRED_KEY_KEEP_MS, retireSigningKeys, rotateSigningKey } from './sa-key-files';
import { watchSigningKeys } from './sa-key-watch';
import { eventually } from '../apiserver/testing/test-cluster';

void test('a running signer follows rotate and retire without a restart; a cached verification does not outlive its key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sa-watch-'));
  const keyFile = join(dir, 'sa.key');
  const previous = join(dir, 'sa-previous.json');
  const tokens = createServiceAccountTokens({ privateKey: loadOrCreateSigningKey(keyFile) });
  const lines: string[] = [];
  let changes = 0;
  tokens.onKeysChanged(() => changes++);
  const watch = watchSigningKeys({ pkiDir: dir, tokens, intervalMs: 20, log: (l) => lines.push(l) });
  try {
    const oldKid = tokens.signingKeyId();
    const old = tokens.issue('ns', 'bot', 'uid-1', { expirationSeconds: 3600 });
    assert.ok(tokens.verify(old), 'verified (and cached) before the rotation');

    rotateSigningKey(keyFile, previous);
    await eventually(() => tokens.signingKeyId() !== oldKid, 'the new signing key');
    const fresh = tokens.issue('ns', 'bot', 'uid-1');
    assert.notEqual(fresh.split('.')[0], old.split('.')[0], 'new tokens name the new key');
    assert.ok(tokens.verify(old), 'the old key still verifies during the overlap');
    assert.deepEqual(
      tokens.jwks().keys.map((k) => k.kid),
      [tokens.signingKeyId(), oldKid],
    );
    assert.ok(changes >= 1);

    assert.equal(retireSigningKeys(previous), 1);
    await eventually(() => tokens.jwks().keys.length === 1, 'the old key retired');
    assert.equal(tokens.verify(old), undefined, 'refused at once, though verified before');
    assert.ok(tokens.verify(fresh));

    // A damaged key file changes nothing: the cluster keeps signing with the key it has.
    const kid = tokens.signingKeyId();
    writeFileSync(keyFile, 'not a key');
    watch.reload();
    assert.equal(tokens.signingKeyId(), kid);
    assert.match(lines.at(-1)!, /is missing or not a P-256 key; still signing with the current key/);
  } finally {
    watch.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('an earlier key is dropped when its time runs out, with no file change', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sa-watch-'));
  const keyFile = join(dir, 'sa.key');
  const tokens = createServiceAccountTokens({ privateKey: loadOrCreateSigningKey(keyFile) });
  const old = tokens.issue('ns', 'bot', 'uid-1', { legacy: { secretName: 's' } });
  // Rotated "49 h minus 300 ms ago": the old key retires 300 ms from now.
  rotateSigningKey(keyFile, join(dir, 'sa-previous.json'), new Date(Date.now() - RETIRED_KEY_KEEP_MS + 300));
  const watch = watchSigningKeys({ pkiDir: dir, tokens, intervalMs: 60_000 });
  try {
    assert.ok(tokens.verify(old), 'still within its time');
    await eventually(() => tokens.verify(old) === undefined, 'the retirement');
    assert.equal(tokens.jwks().keys.length, 1);
  } finally {
    watch.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
