import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { createServiceAccountTokens, generateSigningKey } from './service-account-tokens';
import { loadOrCreateSigningKey, previousVerifyKeys, RETIRED_KEY_KEEP_MS, rotateSigningKey } from './sa-key-files';
import { authenticate } from '../apiserver/authn/authn';

const payload = (tok: string) => JSON.parse(Buffer.from(tok.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

test('token signer: verifies its own tokens, rejects tampered, foreign, expired and not-yet-valid ones', () => {
  const t = createServiceAccountTokens({ privateKey: generateSigningKey() });
  const tok = t.issue('ns1', 'builder', 'uid-1', { expirationSeconds: 60 });
  const c = t.verify(tok);
  assert.equal(c?.namespace, 'ns1');
  assert.deepEqual(c?.serviceAccount, { name: 'builder', uid: 'uid-1' });
  assert.deepEqual(c?.audiences, ['https://kubernetes.default.svc.cluster.local']);
  assert.equal(t.verify(tok, new Date(Date.now() + 61_000)), undefined);
  assert.equal(t.verify(tok, new Date(Date.now() - 120_000)), undefined, 'before nbf (beyond the skew)');
  const [h, p, s] = tok.split('.');
  const forged = Buffer.from(JSON.stringify({ ...payload(tok), sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
  assert.equal(t.verify(`${h}.${forged}.${s}`), undefined);
  assert.equal(createServiceAccountTokens({ privateKey: generateSigningKey() }).verify(tok), undefined);
  assert.equal(t.verify('not-a-jwt'), undefined);
  // alg confusion: an HS256 header, or an HMAC keyed with the public key, is not accepted.
  const pem = createPublicKey(generateSigningKey()).export({ type: 'spki', format: 'pem' });
  const hs = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  assert.equal(t.verify(`${hs}.${p}.${createHmac('sha256', pem).update(`${hs}.${p}`).digest('base64url')}`), undefined);
});

test('token claims are upstream-shaped: bound tokens and legacy Secret tokens', () => {
  const t = createServiceAccountTokens({ privateKey: generateSigningKey() });
  const bound = payload(t.issue('a', 'b', 'u', { pod: { name: 'p', uid: 'pu' }, audiences: ['vault'] }));
  assert.equal(bound.iss, 'https://kubernetes.default.svc.cluster.local');
  assert.equal(bound.sub, 'system:serviceaccount:a:b');
  assert.deepEqual(bound.aud, ['vault']);
  assert.equal((bound.exp as number) - (bound.iat as number), 3607);
  assert.equal(bound.nbf, bound.iat);
  assert.deepEqual(bound['kubernetes.io'], { namespace: 'a', pod: { name: 'p', uid: 'pu' }, serviceaccount: { name: 'b', uid: 'u' } });
  const legacyTok = t.issue('a', 'b', 'u', { legacy: { secretName: 'b-token' } });
  const legacy = payload(legacyTok);
  assert.equal(legacy.iss, 'kubernetes/serviceaccount');
  assert.equal(legacy['kubernetes.io/serviceaccount/secret.name'], 'b-token');
  assert.equal(legacy.exp, undefined);
  assert.equal(t.verify(legacyTok, new Date(Date.now() + 10 * 365 * 86400_000))?.legacy?.secretName, 'b-token');
});

test('a token verifies with nothing but the JWKS (ES256, kid matches)', () => {
  const t = createServiceAccountTokens({ privateKey: generateSigningKey() });
  const tok = t.issue('a', 'b', 'u');
  const [h, p, s] = tok.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg: string; kid: string };
  assert.equal(header.alg, 'ES256');
  const jwk = t.jwks().keys.find((k) => k.kid === header.kid);
  assert.ok(jwk);
  const key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
  assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url')));
});

test('authenticate consults the verifier for bearer tokens not in the table', async () => {
  const req = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, socket: {} }) as unknown as IncomingMessage;
  const table = { admin: { user: 'admin', groups: ['system:masters'] } };
  const verifier = (tok: string) => (tok === 'sa' ? Promise.resolve({ user: 'system:serviceaccount:dev:default', groups: [] }) : undefined);
  assert.equal((await authenticate(req('admin'), table, verifier))?.user, 'admin');
  assert.equal((await authenticate(req('sa'), table, verifier))?.user, 'system:serviceaccount:dev:default');
  assert.equal(await authenticate(req('sa'), table), undefined);
  assert.equal(await authenticate(req('junk'), table, verifier), undefined);
});

test('signing key is created once, 0600, reused, and an old HMAC key is replaced', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sa-key-'));
  try {
    const path = join(dir, 'pki', 'sa.key');
    const a = loadOrCreateSigningKey(path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(loadOrCreateSigningKey(path), a);
    assert.match(a, /BEGIN PRIVATE KEY/);
    writeFileSync(path, Buffer.alloc(32, 7).toString('base64') + '\n', { mode: 0o600 });
    const b = loadOrCreateSigningKey(path);
    assert.match(b, /BEGIN PRIVATE KEY/);
    assert.equal(readFileSync(path, 'utf8'), b);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('key rotation: old tokens verify with the previous key until it retires; the JWKS lists both; a foreign key never verifies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sa-rotate-'));
  try {
    const path = join(dir, 'sa.key');
    const previous = join(dir, 'sa-previous.json');
    const before = createServiceAccountTokens({ privateKey: loadOrCreateSigningKey(path) });
    const oldToken = before.issue('ns', 'bot', 'uid-1', { expirationSeconds: 3600 });
    const t0 = new Date();
    const next = rotateSigningKey(path, previous, t0);
    assert.equal(readFileSync(path, 'utf8'), next, 'a new signing key');
    assert.equal(statSync(previous).mode & 0o777, 0o600);
    const after = createServiceAccountTokens({ privateKey: next, verifyKeys: previousVerifyKeys(previous, t0) });
    assert.equal(after.verify(oldToken)?.serviceAccount.name, 'bot', 'a token signed before the rotation still verifies');
    const newToken = after.issue('ns', 'bot', 'uid-1');
    assert.notEqual(newToken.split('.')[0], oldToken.split('.')[0], 'new tokens name the new key');
    assert.ok(after.verify(newToken));
    assert.equal(before.verify(newToken), undefined, 'the old key alone does not verify new tokens');
    const kids = after.jwks().keys.map((k) => k.kid);
    assert.equal(kids.length, 2);
    assert.deepEqual(new Set(kids), new Set([before.jwks().keys[0].kid, after.jwks().keys[0].kid]));
    // Verified with nothing but the JWKS entry its kid names.
    const [h, p, sig] = oldToken.split('.');
    const jwk = after.jwks().keys.find((k) => k.kid === (JSON.parse(Buffer.from(h, 'base64url').toString()) as { kid: string }).kid)!;
    assert.ok(
      verify(
        'sha256',
        Buffer.from(`${h}.${p}`),
        { key: createPublicKey({ key: jwk as never, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
        Buffer.from(sig, 'base64url'),
      ),
    );
    // A token from some other key (even with a copied header) is refused.
    const foreign = createServiceAccountTokens({ privateKey: generateSigningKey() }).issue('ns', 'bot', 'uid-1');
    assert.equal(after.verify(`${h}.${foreign.split('.')[1]}.${foreign.split('.')[2]}`), undefined);
    assert.equal(after.verify(foreign), undefined);
    // Past its retirement (longer than any bound token lives) the old key is gone.
    const later = new Date(t0.getTime() + RETIRED_KEY_KEEP_MS + 1000);
    assert.deepEqual(previousVerifyKeys(previous, later), []);
    const retired = createServiceAccountTokens({ privateKey: next, verifyKeys: previousVerifyKeys(previous, later) });
    assert.equal(retired.verify(oldToken), undefined);
    assert.equal(retired.jwks().keys.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
