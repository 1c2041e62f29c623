import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreatePki } from '../../../engine/pki/load-or-create-pki';
import { caCertificates } from './consent-need';

test('the CA shown for consent: each certificate of the bundle with the fingerprint openssl prints', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'skiff-consent-ca-'));
  try {
    const [a, b] = await Promise.all([loadOrCreatePki(join(tmp, 'a')), loadOrCreatePki(join(tmp, 'b'))]);
    const bundle = Buffer.from(`${a.caCert}\n${b.caCert}\n-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n`);
    const certs = caCertificates(bundle);
    assert.deepEqual(
      certs.map((c) => c.sha256),
      [new X509Certificate(a.caCert).fingerprint256, new X509Certificate(b.caCert).fingerprint256],
      'a block that is no certificate is left out',
    );
    assert.match(certs[0].sha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.match(certs[0].subject, /CN=/);
    assert.ok(Date.parse(certs[0].notAfter) > Date.now());
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
