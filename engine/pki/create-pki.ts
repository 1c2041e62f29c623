// Generates a cluster's PKI with ECDSA P-256 (key generation takes milliseconds, unlike RSA).
import { randomBytes, type webcrypto } from 'node:crypto';
import { x509, subtle } from './x509';
import { ADMIN_GROUPS, ADMIN_USER, SERVER_DNS, type Pki, type PkiOptions } from './types';

export const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
type KeyPair = webcrypto.CryptoKeyPair;
const DAY = 24 * 60 * 60 * 1000;
const CA_DAYS = 3650;
const LEAF_DAYS = 365;
// Tolerate clocks that are slightly behind the machine that issued the cert.
export const BACKDATE = 5 * 60 * 1000;

export { SERVER_DNS };

export interface KeyedCert {
  cert: x509.X509Certificate;
  keys: KeyPair;
}

/** Creates a fresh CA, API server serving cert and admin client cert. */
export async function createPki(opts: PkiOptions = {}): Promise<Pki> {
  const ca = await createCa();
  const [server, admin] = await Promise.all([issueServerCert(ca, opts), issueAdminCert(ca)]);
  return {
    caCert: ca.cert.toString('pem'),
    caKey: await keyToPem(ca.keys.privateKey),
    serverCert: server.cert.toString('pem'),
    serverKey: await keyToPem(server.keys.privateKey),
    adminCert: admin.cert.toString('pem'),
    adminKey: await keyToPem(admin.keys.privateKey),
  };
}

/** Issues a new serving cert signed by an existing CA (PEM), e.g. when it expires or SANs change. */
export async function reissueServerCert(
  caCertPem: string,
  caKeyPem: string,
  opts: PkiOptions = {},
): Promise<{ cert: string; key: string }> {
  const leaf = await issueServerCert(await loadCa(caCertPem, caKeyPem), opts);
  return { cert: leaf.cert.toString('pem'), key: await keyToPem(leaf.keys.privateKey) };
}

/** Issues a new admin client cert signed by an existing CA (PEM). */
export async function reissueAdminCert(caCertPem: string, caKeyPem: string): Promise<{ cert: string; key: string }> {
  const leaf = await issueAdminCert(await loadCa(caCertPem, caKeyPem));
  return { cert: leaf.cert.toString('pem'), key: await keyToPem(leaf.keys.privateKey) };
}

/** Issues a client cert for any user/groups (CN = user, O = groups), as Kubernetes reads them. */
export async function issueClientCert(
  caCertPem: string,
  caKeyPem: string,
  user: string,
  groups: string[],
  days = LEAF_DAYS,
): Promise<{ cert: string; key: string }> {
  const leaf = await issueClient(await loadCa(caCertPem, caKeyPem), user, groups, days);
  return { cert: leaf.cert.toString('pem'), key: await keyToPem(leaf.keys.privateKey) };
}

async function createCa(): Promise<KeyedCert> {
  const keys = await generateKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ CN: ['skiff-ca'] }],
    notBefore: new Date(now - BACKDATE),
    notAfter: new Date(now + CA_DAYS * DAY),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

function issueServerCert(ca: KeyedCert, opts: PkiOptions): Promise<KeyedCert> {
  const ips = unique(['127.0.0.1', ...(opts.extraIPs ?? [])]);
  const dns = unique([...SERVER_DNS, ...(opts.extraDNS ?? [])]);
  const names = [...dns.map((value) => ({ type: 'dns' as const, value })), ...ips.map((value) => ({ type: 'ip' as const, value }))];
  return issueLeaf(
    ca,
    [{ CN: ['kube-apiserver'] }],
    [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]), new x509.SubjectAlternativeNameExtension(names)],
    LEAF_DAYS,
  );
}

function issueAdminCert(ca: KeyedCert): Promise<KeyedCert> {
  return issueClient(ca, ADMIN_USER, ADMIN_GROUPS, LEAF_DAYS);
}

function issueClient(ca: KeyedCert, user: string, groups: string[], days: number): Promise<KeyedCert> {
  const subject: Record<string, string[]>[] = [];
  // One RDN per group, as `openssl -subj /O=a/O=b/CN=u` does; Go reads every O value as a group.
  for (const g of groups) subject.push({ O: [g] });
  subject.push({ CN: [user] });
  return issueLeaf(ca, subject, [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])], days);
}

async function issueLeaf(
  ca: KeyedCert,
  subject: Record<string, string[]>[],
  extensions: x509.Extension[],
  days: number,
): Promise<KeyedCert> {
  const keys = await generateKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: ca.cert.subjectName,
    notBefore: new Date(now - BACKDATE),
    notAfter: new Date(Math.min(now + days * DAY, ca.cert.notAfter.getTime())),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
      ...extensions,
    ],
  });
  return { cert, keys };
}

/** A CA (PEM cert and PKCS#8 key) ready to sign. */
export async function loadCa(certPem: string, keyPem: string): Promise<KeyedCert> {
  const cert = new x509.X509Certificate(certPem);
  const der = x509.PemConverter.decodeFirst(keyPem);
  const privateKey = await subtle.importKey('pkcs8', der, ALG, true, ['sign']);
  const publicKey = await cert.publicKey.export(ALG, ['verify']);
  return { cert, keys: { privateKey, publicKey } as KeyPair };
}

export function generateKeys(): Promise<KeyPair> {
  return subtle.generateKey(ALG, true, ['sign', 'verify']) as Promise<KeyPair>;
}

export async function keyToPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

// Positive and minimally encoded: Go (kubectl) rejects negative serial numbers and
// non-minimal ASN.1 integers, so the first byte must be 0x01..0x7f.
export function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] % 0x7f) + 1;
  return b.toString('hex');
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
