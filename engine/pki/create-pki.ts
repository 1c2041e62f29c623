// Generates a cluster's PKI with ECDSA P-256 (key generation takes milliseconds, unlike RSA),
// with node:crypto and cert-der.ts only: a new cluster's start makes it.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import {
  authorityKeyIdentifier,
  basicConstraints,
  caFacts,
  distinguishedName,
  extKeyUsage,
  issueCertificate,
  keyIdentifier,
  keyUsage,
  subjectAltName,
  subjectKeyIdentifier,
} from './cert-der';
import { ADMIN_GROUPS, ADMIN_USER, SERVER_DNS, type Pki, type PkiOptions } from './types';

const DAY = 24 * 60 * 60 * 1000;
const CA_DAYS = 3650;
const LEAF_DAYS = 365;
// Tolerate clocks that are slightly behind the machine that issued the cert.
export const BACKDATE = 5 * 60 * 1000;

export { SERVER_DNS };

/** A CA ready to sign: its key, and what its certificates name of it. */
interface Ca {
  cert: string;
  key: KeyObject;
  subject: Buffer;
  keyId: Buffer;
  notAfter: Date;
}

/** Creates a fresh CA, API server serving cert and admin client cert. */
export function createPki(opts: PkiOptions = {}): Promise<Pki> {
  return settled(() => {
    const ca = createCa();
    const server = issueServerCert(ca, opts);
    const admin = issueClient(ca, ADMIN_USER, ADMIN_GROUPS, LEAF_DAYS);
    return {
      caCert: ca.cert,
      caKey: keyToPem(ca.key),
      serverCert: server.cert,
      serverKey: server.key,
      adminCert: admin.cert,
      adminKey: admin.key,
    };
  });
}

/** Issues a new serving cert signed by an existing CA (PEM), e.g. when it expires or SANs change. */
export function reissueServerCert(caCertPem: string, caKeyPem: string, opts: PkiOptions = {}): Promise<{ cert: string; key: string }> {
  return settled(() => issueServerCert(loadCa(caCertPem, caKeyPem), opts));
}

/** Issues a new admin client cert signed by an existing CA (PEM). */
export function reissueAdminCert(caCertPem: string, caKeyPem: string): Promise<{ cert: string; key: string }> {
  return settled(() => issueClient(loadCa(caCertPem, caKeyPem), ADMIN_USER, ADMIN_GROUPS, LEAF_DAYS));
}

/** Issues a client cert for any user/groups (CN = user, O = groups), as Kubernetes reads them. */
export function issueClientCert(
  caCertPem: string,
  caKeyPem: string,
  user: string,
  groups: string[],
  days = LEAF_DAYS,
): Promise<{ cert: string; key: string }> {
  return settled(() => issueClient(loadCa(caCertPem, caKeyPem), user, groups, days));
}

function createCa(): Ca {
  const { publicKey, privateKey } = newKeys();
  const now = Date.now();
  const subject = distinguishedName([['CN', 'skiff-ca']]);
  const keyId = keyIdentifier(publicKey);
  const notAfter = new Date(now + CA_DAYS * DAY);
  const cert = issueCertificate({
    serial: serial(),
    subject,
    issuer: subject,
    notBefore: new Date(now - BACKDATE),
    notAfter,
    publicKey,
    signingKey: privateKey,
    extensions: [basicConstraints(true), keyUsage(['digitalSignature', 'keyCertSign', 'cRLSign']), subjectKeyIdentifier(keyId)],
  });
  return { cert, key: privateKey, subject, keyId, notAfter };
}

function issueServerCert(ca: Ca, opts: PkiOptions): { cert: string; key: string } {
  const ips = unique(['127.0.0.1', ...(opts.extraIPs ?? [])]);
  const dns = unique([...SERVER_DNS, ...(opts.extraDNS ?? [])]);
  return issueLeaf(ca, [['CN', 'kube-apiserver']], [extKeyUsage(['serverAuth']), subjectAltName(dns, ips)], LEAF_DAYS);
}

function issueClient(ca: Ca, user: string, groups: string[], days: number): { cert: string; key: string } {
  // One RDN per group, as `openssl -subj /O=a/O=b/CN=u` does; Go reads every O value as a group.
  const subject: Array<['O' | 'CN', string]> = [...groups.map((g): ['O', string] => ['O', g]), ['CN', user]];
  return issueLeaf(ca, subject, [extKeyUsage(['clientAuth'])], days);
}

function issueLeaf(ca: Ca, subject: Array<['O' | 'CN', string]>, extensions: Buffer[], days: number): { cert: string; key: string } {
  const { publicKey, privateKey } = newKeys();
  const now = Date.now();
  const cert = issueCertificate({
    serial: serial(),
    subject: distinguishedName(subject),
    issuer: ca.subject,
    notBefore: new Date(now - BACKDATE),
    notAfter: new Date(Math.min(now + days * DAY, ca.notAfter.getTime())),
    publicKey,
    signingKey: ca.key,
    extensions: [
      basicConstraints(false),
      keyUsage(['digitalSignature', 'keyEncipherment']),
      authorityKeyIdentifier(ca.keyId),
      ...extensions,
    ],
  });
  return { cert, key: keyToPem(privateKey) };
}

/** A CA (PEM cert and PKCS#8 key) ready to sign; throws when the key is not the certificate's. */
function loadCa(certPem: string, keyPem: string): Ca {
  const key = createPrivateKey(keyPem);
  if (!new X509Certificate(certPem).publicKey.equals(createPublicKey(key))) throw new Error('the CA key does not match the CA certificate');
  return { cert: certPem, key, ...caFacts(certPem) };
}

function newKeys(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

function keyToPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

// Positive and minimally encoded: Go (kubectl) rejects negative serial numbers and
// non-minimal ASN.1 integers, so the first byte must be 0x01..0x7f.
export function serial(): Buffer {
  const b = randomBytes(16);
  b[0] = (b[0] % 0x7f) + 1;
  return b;
}

/** The work's result as a promise, a throw as its rejection (callers await; the work itself is synchronous). */
function settled<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
