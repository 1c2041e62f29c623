import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPki } from './create-pki';
import { createCsr, readCsr, signCsr } from './csr';
import { verifyClientCert } from './verify-client';
import {
  caCertHash,
  parseBootstrapToken,
  signDetached,
  verifyDetached,
  generateBootstrapToken,
  formatBootstrapToken,
} from './bootstrap-token';
import { X509Certificate } from 'node:crypto';

describe('node CSRs', () => {
  it('a node CSR is read back and signed into a client cert the API server accepts', async () => {
    const pki = await createPki();
    const { csr, key } = await createCsr({ commonName: 'system:node:b', organizations: ['system:nodes'] });
    assert.ok(key.includes('PRIVATE KEY'));
    const facts = await readCsr(csr);
    assert.deepEqual(facts, { commonName: 'system:node:b', organizations: ['system:nodes'], altNames: [], signatureValid: true });
    const cert = await signCsr(csr, { cert: pki.caCert, key: pki.caKey }, { usages: ['digital signature', 'client auth'], seconds: 3600 });
    assert.deepEqual(verifyClientCert(cert, pki.caCert), { user: 'system:node:b', groups: ['system:nodes'] });
    const x = new X509Certificate(cert);
    assert.ok(Date.parse(x.validTo) - Date.now() <= 3600_000);
    assert.equal(x.checkPrivateKey((await import('node:crypto')).createPrivateKey(key)), true);
  });

  it('a tampered CSR is refused', async () => {
    const pki = await createPki();
    const { csr } = await createCsr({ commonName: 'system:node:b', organizations: ['system:nodes'] });
    const der = Buffer.from(csr.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5] ^= 0xff; // inside the signature
    const bad = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    assert.equal((await readCsr(bad)).signatureValid, false);
    await assert.rejects(signCsr(bad, { cert: pki.caCert, key: pki.caKey }, { usages: ['client auth'], seconds: 600 }), /not signed/);
  });
});

describe('bootstrap tokens', () => {
  it('parses only <6>.<16> lower-case alphanumerics', () => {
    assert.deepEqual(parseBootstrapToken('abcdef.0123456789abcdef'), { id: 'abcdef', secret: '0123456789abcdef' });
    for (const bad of ['ABCDEF.0123456789abcdef', 'abcde.0123456789abcdef', 'abcdef.0123456789abcde', 'abcdef0123456789abcdef'])
      assert.equal(parseBootstrapToken(bad), undefined);
    assert.ok(parseBootstrapToken(formatBootstrapToken(generateBootstrapToken())));
  });

  it('a detached JWS verifies with its token only, over the exact content', () => {
    const t = { id: 'abcdef', secret: '0123456789abcdef' };
    const sig = signDetached('kubeconfig text', t);
    assert.match(sig, /^[\w-]+\.\.[\w-]+$/);
    // The header is go-jose's: {"alg":"HS256","kid":"abcdef"}.
    assert.deepEqual(JSON.parse(Buffer.from(sig.split('.')[0], 'base64url').toString()), { alg: 'HS256', kid: 'abcdef' });
    assert.equal(verifyDetached('kubeconfig text', sig, t), true);
    assert.equal(verifyDetached('kubeconfig text!', sig, t), false);
    assert.equal(verifyDetached('kubeconfig text', sig, { id: 'abcdef', secret: 'x123456789abcdef' }), false);
    assert.equal(verifyDetached('kubeconfig text', sig, { id: 'zzzzzz', secret: '0123456789abcdef' }), false);
  });

  it('the CA hash is sha256 of the public key info', async () => {
    const pki = await createPki();
    assert.match(caCertHash(pki.caCert), /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(caCertHash((await createPki()).caCert), caCertHash(pki.caCert));
  });
});
