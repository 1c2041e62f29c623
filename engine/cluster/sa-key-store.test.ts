// Two instances over one store (SQLite here; test/ha/sa-key-ha.test.ts does it over a real etcd
// with two processes): the shared record wins over each instance's own files, and a rotation or
// retirement made through either data dir reaches both signers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../store/sqlite-store';
import { loadOrCreateSigningKey } from '../pki/sa-key-files';
import { retireKeySet, rotateKeySet } from '../pki/sa-key-set';
import { createServiceAccountTokens } from '../pki/service-account-tokens';
import { eventually } from '../apiserver/testing/test-cluster';
import { SA_KEYS_STORE_KEY, changeSharedSigningKeys, followSharedSigningKeys, loadSharedSigningKeys } from './sa-key-store';

void test('instances over one store sign with the shared key set and follow rotate and retire made through either', async () => {
  const root = mkdtempSync(join(tmpdir(), 'skiff-sa-shared-'));
  const store = openSqliteStore({ path: join(root, 'state.db') });
  const dirA = join(root, 'a');
  const dirB = join(root, 'b');
  // B's own key differs (a stale copy, say): the shared record must win over it.
  loadOrCreateSigningKey(join(dirA, 'sa.key'));
  loadOrCreateSigningKey(join(dirB, 'sa.key'));
  const watches: { stop(): void }[] = [];
  try {
    const loadedA = await loadSharedSigningKeys(store, dirA);
    const loadedB = await loadSharedSigningKeys(store, dirB);
    assert.equal(loadedB.set.signingKey, readFileSync(join(dirA, 'sa.key'), 'utf8'), 'the first instance seeded the record');
    assert.equal(readFileSync(join(dirB, 'sa.key'), 'utf8'), loadedA.set.signingKey, "mirrored into B's pki");
    assert.equal(statSync(join(dirB, 'sa.key')).mode & 0o777, 0o600);

    const a = createServiceAccountTokens({ privateKey: loadedA.set.signingKey });
    const b = createServiceAccountTokens({ privateKey: loadedB.set.signingKey });
    const lines: string[] = [];
    watches.push(followSharedSigningKeys({ store, pkiDir: dirA, tokens: a, loaded: loadedA }));
    watches.push(followSharedSigningKeys({ store, pkiDir: dirB, tokens: b, loaded: loadedB, log: (l) => lines.push(l) }));
    const old = a.issue('ns', 'bot', 'uid-1', { expirationSeconds: 3600 });
    assert.ok(b.verify(old));
    const oldKid = a.signingKeyId();

    // Rotated through A's data dir: B signs with the new key too, and each accepts the other's tokens.
    await changeSharedSigningKeys(store, dirA, (s) => rotateKeySet(s, new Date()));
    await eventually(() => a.signingKeyId() !== oldKid && b.signingKeyId() === a.signingKeyId(), 'both on the new key');
    const fresh = a.issue('ns', 'bot', 'uid-1');
    assert.ok(b.verify(fresh), 'B accepts a token A signed with the new key');
    assert.ok(a.verify(old) && b.verify(old), 'the old key verifies during the overlap on both');
    assert.deepEqual(
      b.jwks().keys.map((k) => k.kid),
      [a.signingKeyId(), oldKid],
    );
    await eventually(() => readFileSync(join(dirB, 'sa.key'), 'utf8') !== loadedA.set.signingKey, "B's copy follows");
    assert.equal(statSync(join(dirB, 'sa-previous.json')).mode & 0o777, 0o600);

    // Retired through B's data dir: the old key's tokens are refused on both at once.
    const { after } = await changeSharedSigningKeys(store, dirB, (s) => retireKeySet(s, new Date()).set);
    assert.deepEqual(after.previous, []);
    await eventually(() => a.jwks().keys.length === 1 && b.jwks().keys.length === 1, 'the old key retired on both');
    assert.equal(a.verify(old), undefined);
    assert.equal(b.verify(old), undefined);
    assert.ok(b.verify(fresh));

    // Two rotations at once (two admins): neither is lost, both keys before them still verify.
    const kid = a.signingKeyId();
    await Promise.all([dirA, dirB].map((d) => changeSharedSigningKeys(store, d, (s) => rotateKeySet(s, new Date()))));
    await eventually(() => b.jwks().keys.length === 3 && a.jwks().keys.length === 3, 'both rotations applied');
    assert.ok(b.jwks().keys.some((k) => k.kid === kid));

    // A damaged record changes nothing: the keys in use stay.
    const current = await store.get(SA_KEYS_STORE_KEY);
    const signing = b.signingKeyId();
    await store.update(SA_KEYS_STORE_KEY, '{"signingKey":"not a key","previous":[]}', current!.modRevision);
    await eventually(() => lines.some((l) => /is damaged; still signing with the current key/.test(l)), 'the damaged record noticed');
    assert.equal(b.signingKeyId(), signing);
  } finally {
    for (const w of watches) w.stop();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
});
