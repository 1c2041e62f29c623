import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { createServiceAccountTokens, loadOrCreateSigningKey } from './service-account-tokens';
import { authenticate } from '../apiserver/authn';

test('token signer: verifies its own tokens, rejects tampered, foreign and expired ones', () => {
  const t = createServiceAccountTokens({ key: randomBytes(32) });
  const tok = t.issue('ns1', 'builder', 'uid-1', { expirationSeconds: 60 });
  assert.deepEqual(t.verify(tok), {
    user: 'system:serviceaccount:ns1:builder',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1'],
  });
  assert.equal(t.verify(tok, new Date(Date.now() + 61_000)), undefined);
  const [h, p, s] = tok.split('.');
  const forged = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'system:serviceaccount:kube-system:admin' }),
  ).toString('base64url');
  assert.equal(t.verify(`${h}.${forged}.${s}`), undefined);
  assert.equal(createServiceAccountTokens({ key: randomBytes(32) }).verify(tok), undefined);
  assert.equal(t.verify('not-a-jwt'), undefined);
  const legacy = t.issue('ns1', 'builder', 'uid-1', { legacy: true });
  assert.equal(t.verify(legacy, new Date(Date.now() + 10 * 365 * 86400_000))?.user, 'system:serviceaccount:ns1:builder');
  const claims = JSON.parse(Buffer.from(t.issue('a', 'b', 'u', { pod: { name: 'p', uid: 'pu' } }).split('.')[1], 'base64url').toString());
  assert.equal(claims['kubernetes.io'].pod.name, 'p');
  assert.equal(claims.exp - claims.iat, 3607);
});

test('authenticate consults the verifier for bearer tokens not in the table', () => {
  const t = createServiceAccountTokens({ key: randomBytes(32) });
  const req = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, socket: {} }) as unknown as IncomingMessage;
  const table = { admin: { user: 'admin', groups: ['system:masters'] } };
  assert.equal(authenticate(req('admin'), table, t.verify)?.user, 'admin');
  assert.equal(authenticate(req(t.issue('dev', 'default', 'u')), table, t.verify)?.user, 'system:serviceaccount:dev:default');
  assert.equal(authenticate(req(t.issue('dev', 'default', 'u')), table), undefined);
  assert.equal(authenticate(req('junk'), table, t.verify), undefined);
});

test('signing key is created once, 0600, and reused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sa-key-'));
  try {
    const path = join(dir, 'pki', 'sa.key');
    const a = loadOrCreateSigningKey(path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(loadOrCreateSigningKey(path), a);
    assert.equal(a.length, 32);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
