import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createServer } from 'node:https';
import { connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createPki, SERVER_DNS } from './create-pki';
import { verifyClientCert } from './verify-client';

test('createPki issues a CA, a serving cert with the kubernetes SANs and an admin client cert', async () => {
  const pki = await createPki({ extraIPs: ['10.96.0.1'], extraDNS: ['skiff.example'] });
  const ca = new X509Certificate(pki.caCert);
  const server = new X509Certificate(pki.serverCert);
  const admin = new X509Certificate(pki.adminCert);
  assert.equal(ca.ca, true);
  assert.ok(Date.parse(ca.validTo) - Date.now() > 9 * 365 * 86400_000, 'CA lasts ~10 years');
  assert.ok(Date.parse(server.validTo) - Date.now() < 366 * 86400_000, 'leaf lasts 1 year');
  assert.ok(server.checkIssued(ca) && server.verify(ca.publicKey));
  for (const dns of [...SERVER_DNS, 'skiff.example']) assert.equal(server.checkHost(dns, { subject: 'never' }), dns);
  for (const ip of ['127.0.0.1', '10.96.0.1']) assert.equal(server.checkIP(ip), ip);
  assert.deepEqual(server.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.deepEqual(admin.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.deepEqual(verifyClientCert(pki.adminCert, pki.caCert), { user: 'skiff-admin', groups: ['system:masters'] });
  for (const key of [pki.caKey, pki.serverKey, pki.adminKey]) {
    assert.match(key, /^-----BEGIN PRIVATE KEY-----\n/, 'PKCS#8 PEM');
    assert.equal(createPrivateKey(key).asymmetricKeyType, 'ec');
  }
  assert.ok(admin.checkPrivateKey(createPrivateKey(pki.adminKey)));
  // Serials must be positive and minimally encoded or Go clients refuse the certs.
  for (const c of [ca, server, admin]) assert.match(c.serialNumber, /^(0[1-9A-F]|[1-7][0-9A-F])/);
});
