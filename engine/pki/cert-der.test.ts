import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { caFacts, keyIdentifier } from './cert-der';
import { reissueServerCert, issueClientCert } from './create-pki';
import { x509, subtle } from './x509';

test('keyUsage, names and key ids as OpenSSL reads them', async () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  // The library's SubjectKeyIdentifier for the same key: the same SHA-1 of the key's bits.
  const alg = { name: 'ECDSA', namedCurve: 'P-256' };
  const web = await subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), alg, true, ['verify']);
  const ski = await x509.SubjectKeyIdentifierExtension.create(web);
  assert.equal(keyIdentifier(publicKey).toString('hex'), ski.keyId);
});

test('a CA made by the earlier generator (@peculiar/x509) still signs: its subject and key id carry over as it wrote them', async () => {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await subtle.generateKey(alg, true, ['sign', 'verify']);
  const old = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: [{ CN: ['skiff-ca'] }],
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3650 * 86400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const caPem = old.toString('pem');
  const caKey = x509.PemConverter.encode(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  const facts = caFacts(caPem);
  assert.equal(
    facts.keyId.toString('hex'),
    (old.getExtension(x509.SubjectKeyIdentifierExtension) as x509.SubjectKeyIdentifierExtension).keyId,
  );
  const ca = new X509Certificate(caPem);
  const server = new X509Certificate((await reissueServerCert(caPem, caKey, { extraIPs: ['fd00::1'] })).cert);
  assert.ok(server.checkIssued(ca), 'names and key ids chain (OpenSSL checks both)');
  assert.ok(server.verify(ca.publicKey));
  assert.equal(server.checkIP('fd00::1'), 'fd00::1');
  const client = await issueClientCert(caPem, caKey, 'jane', ['dev', 'ops'], 1);
  const c = new X509Certificate(client.cert);
  assert.equal(c.subject, 'O=dev\nO=ops\nCN=jane');
  assert.ok(c.checkIssued(ca) && c.checkPrivateKey(createPrivateKey(client.key)));
  assert.ok(Date.parse(c.validTo) - Date.now() < 2 * 86400_000);
  const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  await assert.rejects(issueClientCert(caPem, otherKey, 'x', []), /does not match/);
});
