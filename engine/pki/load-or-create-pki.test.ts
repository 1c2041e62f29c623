import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { loadOrCreatePki, PKI_FILES } from './load-or-create-pki';

function withDir(fn: (dir: string) => Promise<void>) {
  return async () => {
    const root = mkdtempSync(join(tmpdir(), 'skiff-pki-'));
    try {
      await fn(join(root, 'pki'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
}

test(
  'creates owner-only files and reloads the same PKI and token',
  withDir(async (dir) => {
    const a = await loadOrCreatePki(dir);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    for (const f of Object.values(PKI_FILES)) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
    assert.match(a.adminToken, /^[A-Za-z0-9_-]{40,}$/);
    const b = await loadOrCreatePki(dir);
    assert.deepEqual(b, a);
  }),
);

test(
  'an upgraded cluster keeps its CA and gets an ES256 service-account key in place of the old HMAC secret',
  withDir(async (dir) => {
    const a = await loadOrCreatePki(dir);
    writeFileSync(join(dir, PKI_FILES.serviceAccountKey), Buffer.alloc(32, 1).toString('base64') + '\n', { mode: 0o600 });
    const b = await loadOrCreatePki(dir);
    assert.equal(b.caCert, a.caCert);
    assert.match(b.serviceAccountKey, /BEGIN PRIVATE KEY/);
    assert.equal(createPrivateKey(b.serviceAccountKey).asymmetricKeyType, 'ec');
    assert.equal(statSync(join(dir, PKI_FILES.serviceAccountKey)).mode & 0o777, 0o600);
    assert.equal((await loadOrCreatePki(dir)).serviceAccountKey, b.serviceAccountKey);
  }),
);

test(
  'reissues a missing leaf cert from the stored CA',
  withDir(async (dir) => {
    const a = await loadOrCreatePki(dir);
    unlinkSync(join(dir, PKI_FILES.serverCert));
    unlinkSync(join(dir, PKI_FILES.adminKey));
    const b = await loadOrCreatePki(dir);
    assert.equal(b.caCert, a.caCert);
    assert.notEqual(b.serverCert, a.serverCert);
    assert.notEqual(b.adminCert, a.adminCert);
    assert.ok(new X509Certificate(b.serverCert).verify(new X509Certificate(a.caCert).publicKey));
    assert.equal(readFileSync(join(dir, PKI_FILES.serverCert), 'utf8'), b.serverCert);
    assert.equal(b.adminToken, a.adminToken);
  }),
);

test(
  'reissues the serving cert when new SANs are asked for',
  withDir(async (dir) => {
    const a = await loadOrCreatePki(dir);
    const b = await loadOrCreatePki(dir, { extraIPs: ['192.168.7.7'], extraDNS: ['box.lan'] });
    assert.equal(b.caCert, a.caCert);
    assert.equal(b.adminCert, a.adminCert);
    const cert = new X509Certificate(b.serverCert);
    assert.equal(cert.checkIP('192.168.7.7'), '192.168.7.7');
    assert.equal(cert.checkHost('box.lan', { subject: 'never' }), 'box.lan');
    const c = await loadOrCreatePki(dir, { extraIPs: ['192.168.7.7'], extraDNS: ['box.lan'] });
    assert.equal(c.serverCert, b.serverCert, 'stable once the SANs are present');
  }),
);

test(
  'starts over when the stored CA is unreadable',
  withDir(async (dir) => {
    const a = await loadOrCreatePki(dir);
    writeFileSync(join(dir, PKI_FILES.caCert), 'garbage');
    const b = await loadOrCreatePki(dir);
    assert.notEqual(b.caCert, a.caCert);
    assert.ok(new X509Certificate(b.adminCert).verify(new X509Certificate(b.caCert).publicKey));
  }),
);
