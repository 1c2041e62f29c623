// PKCS#10 certificate signing requests, both ends: a joining node makes one with a fresh key
// (CN system:node:<name>, O system:nodes, as the kubelet's bootstrap does), and the cluster's
// signer reads, checks and signs one with the cluster CA (kube-controller-manager's csrsigning).
// Loaded through csr.ts only when a CSR is made or read: @peculiar/x509 costs ~0.3 s of start.
import { createPublicKey, type webcrypto } from 'node:crypto';
import { BACKDATE, serial } from './cert-der';
import { x509, subtle } from './x509';

import type { CsrFacts } from './csr';

/** Key usages of certificates.k8s.io/v1 and the X.509 bits and extended usages they mean. */
const KEY_USAGE: Record<string, number> = {
  'digital signature': x509.KeyUsageFlags.digitalSignature,
  'key encipherment': x509.KeyUsageFlags.keyEncipherment,
  'content commitment': x509.KeyUsageFlags.nonRepudiation,
  'data encipherment': x509.KeyUsageFlags.dataEncipherment,
  'key agreement': x509.KeyUsageFlags.keyAgreement,
};
const EXT_USAGE: Record<string, string> = {
  'client auth': x509.ExtendedKeyUsage.clientAuth,
  'server auth': x509.ExtendedKeyUsage.serverAuth,
};

/** A new key (ECDSA P-256) and a PEM CSR for it. */
export async function createCsr(subject: { commonName: string; organizations: string[] }): Promise<{ csr: string; key: string }> {
  const keys = await generateKeys();
  const name: Record<string, string[]>[] = subject.organizations.map((o) => ({ O: [o] }));
  name.push({ CN: [subject.commonName] });
  const req = await x509.Pkcs10CertificateRequestGenerator.create({ name, keys, signingAlgorithm: ALG });
  return { csr: req.toString('pem'), key: await keyToPem(keys.privateKey) };
}

/** What a PEM CSR asks for; throws when it is not one. */
export async function readCsr(pem: string): Promise<CsrFacts> {
  const req = new x509.Pkcs10CertificateRequest(pem);
  const values = (type: string) =>
    req.subjectName
      .toJSON()
      .flatMap((rdn) => rdn[type] ?? [])
      .map(String);
  const san = req.getExtension(x509.SubjectAlternativeNameExtension.NAME) as x509.SubjectAlternativeNameExtension | null;
  return {
    commonName: values('CN')[0] ?? '',
    organizations: values('O'),
    altNames: san ? san.names.items.map((n) => `${n.type}:${n.value}`) : [],
    signatureValid: await req.verify().catch(() => false),
  };
}

/**
 * A certificate for the CSR's key and subject, signed by the CA, with the usages asked
 * for, valid for `seconds` (never beyond the CA). The subject is copied as requested: the
 * approver decided it is acceptable.
 */
export async function signCsr(
  pem: string,
  ca: { cert: string; key: string },
  opts: { usages: string[]; seconds: number; now?: Date },
): Promise<string> {
  const req = new x509.Pkcs10CertificateRequest(pem);
  if (!(await req.verify())) throw new Error('the request is not signed by its own key');
  const signer = await loadCa(ca.cert, ca.key);
  const now = (opts.now ?? new Date()).getTime();
  let bits = 0;
  const ext: string[] = [];
  for (const u of opts.usages) {
    if (KEY_USAGE[u] !== undefined) bits |= KEY_USAGE[u];
    else if (EXT_USAGE[u]) ext.push(EXT_USAGE[u]);
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial().toString('hex'),
    subject: req.subjectName,
    issuer: signer.cert.subjectName,
    notBefore: new Date(now - BACKDATE),
    notAfter: new Date(Math.min(now + opts.seconds * 1000, signer.cert.notAfter.getTime())),
    publicKey: req.publicKey,
    signingKey: signer.keys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      ...(bits ? [new x509.KeyUsagesExtension(bits, true)] : []),
      ...(ext.length ? [new x509.ExtendedKeyUsageExtension(ext)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(signer.keys.publicKey),
    ],
  });
  return cert.toString('pem');
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
type KeyPair = webcrypto.CryptoKeyPair;

/** The CA (PEM cert and PKCS#8 key) as the library signs with it. */
async function loadCa(certPem: string, keyPem: string): Promise<{ cert: x509.X509Certificate; keys: KeyPair }> {
  const cert = new x509.X509Certificate(certPem);
  const der = x509.PemConverter.decodeFirst(keyPem);
  const privateKey = await subtle.importKey('pkcs8', der, ALG, true, ['sign']);
  const spki = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
  const publicKey = await subtle.importKey('spki', spki, ALG, true, ['verify']);
  return { cert, keys: { privateKey, publicKey } };
}

function generateKeys(): Promise<KeyPair> {
  return subtle.generateKey(ALG, true, ['sign', 'verify']);
}

async function keyToPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}
