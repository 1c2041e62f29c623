import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateLocalhostCa } from './localhost-ca';

test('the localhost CA is kept across loads, name-constrained to localhost, and signs per-host leaves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-lca-'));
  try {
    const ca = await loadOrCreateLocalhostCa(dir);
    const again = await loadOrCreateLocalhostCa(dir);
    assert.equal(again.certPem, ca.certPem);
    const caCert = new X509Certificate(ca.certPem);
    assert.ok(caCert.ca);
    const leaf = new X509Certificate((await again.issue('web.localhost')).cert);
    assert.ok(leaf.verify(caCert.publicKey), 'signed by the CA');
    assert.ok(leaf.checkIssued(caCert));
    assert.equal(leaf.subjectAltName, 'DNS:web.localhost');
    assert.equal(leaf.checkHost('web.localhost'), 'web.localhost');
    // 2.5.29.30 (name constraints), critical, permitting DNS localhost and IP 127.0.0.1/32 only.
    const der = caCert.raw.toString('hex');
    assert.ok(der.includes('551d1e0101ff'), 'a critical name constraints extension');
    assert.ok(der.includes('82096c6f63616c686f7374'), 'dNSName localhost');
    assert.ok(der.includes('87087f000001ffffffff'), 'iPAddress 127.0.0.1/32');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
