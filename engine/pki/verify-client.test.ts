import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createPki, issueClientCert } from './create-pki';
import { createClientCertVerifier, verifyClientCert } from './verify-client';

const pki = await createPki();
const other = await createPki();
const YEAR = 365 * 86400_000;

test('accepts our admin cert as PEM, DER and X509Certificate', () => {
  const want = { user: 'skiff-admin', groups: ['system:masters'] };
  const x = new X509Certificate(pki.adminCert);
  assert.deepEqual(verifyClientCert(pki.adminCert, pki.caCert), want);
  assert.deepEqual(verifyClientCert(x.raw, pki.caCert), want);
  assert.deepEqual(verifyClientCert(x, pki.caCert), want);
  assert.deepEqual(createClientCertVerifier(pki.caCert)(x.raw), want);
});

test('rejects a cert from a different CA, even with the same subject', () => {
  assert.equal(verifyClientCert(other.adminCert, pki.caCert), undefined);
  assert.equal(verifyClientCert(pki.adminCert, other.caCert), undefined);
});

test('rejects outside the validity dates', () => {
  assert.equal(verifyClientCert(pki.adminCert, pki.caCert, new Date(Date.now() + 2 * YEAR)), undefined);
  assert.equal(verifyClientCert(pki.adminCert, pki.caCert, new Date(Date.now() - 86400_000)), undefined);
});

test('rejects certs not meant for client auth, the CA itself and garbage', () => {
  assert.equal(verifyClientCert(pki.serverCert, pki.caCert), undefined, 'serverAuth-only EKU');
  assert.equal(verifyClientCert(pki.caCert, pki.caCert), undefined, 'CA cert');
  assert.equal(verifyClientCert('not a cert', pki.caCert), undefined);
  assert.equal(verifyClientCert(Buffer.from([1, 2, 3]), pki.caCert), undefined);
});

test('reads user from CN and every O as a group, special characters intact', async () => {
  const c = await issueClientCert(pki.caCert, pki.caKey, 'jane,doe', ['dev+ops', 'system:authenticated']);
  assert.deepEqual(verifyClientCert(c.cert, pki.caCert), { user: 'jane,doe', groups: ['dev+ops', 'system:authenticated'] });
  const solo = await issueClientCert(pki.caCert, pki.caKey, 'solo', []);
  assert.deepEqual(verifyClientCert(solo.cert, pki.caCert), { user: 'solo', groups: [] });
});

test('verifying a cert first does not break node:tls for later servers', () => {
  const mod = new URL('./verify-client.ts', import.meta.url).href;
  const code = `const { verifyClientCert } = await import(${JSON.stringify(mod)});
    verifyClientCert(process.env.CERT, process.env.CA);
    const tls = await import('node:tls');
    console.log(typeof tls.createSecureContext);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    encoding: 'utf8',
    env: { ...process.env, CERT: pki.adminCert, CA: pki.caCert },
  });
  assert.equal(r.stdout.trim(), 'function', r.stderr);
});
