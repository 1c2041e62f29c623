// X.509 v3 certificates signed with ECDSA P-256 / SHA-256, built from der.ts: the names,
// extensions and signature the cluster's CA, serving and client certificates carry.
import { X509Certificate, createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { bits, bool, children, explicit, implicit, int, ipBytes, octets, oid, readTlv, seq, set, time, utf8 } from './der';

const ECDSA_WITH_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const ATTR = { CN: '2.5.4.3', O: '2.5.4.10' } as const;

/** A distinguished name: one RDN per entry, in order (O=group per group, then CN=user, as `openssl -subj` writes). */
export function distinguishedName(rdns: Array<[keyof typeof ATTR, string]>): Buffer {
  return seq(...rdns.map(([type, value]) => set(seq(oid(ATTR[type]), utf8(value)))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

/** basicConstraints, critical: a CA with pathLen 0, or not a CA. */
export const basicConstraints = (ca: boolean) => extension('2.5.29.19', true, ca ? seq(bool(true), int(0)) : seq());

/** keyUsage bits (RFC 5280 4.2.1.3), critical. */
export const KEY_USAGE = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;
export function keyUsage(usages: Array<keyof typeof KEY_USAGE>): Buffer {
  const positions = usages.map((u) => KEY_USAGE[u]);
  const last = Math.max(...positions);
  const bytes = Buffer.alloc(Math.floor(last / 8) + 1);
  for (const p of positions) bytes[Math.floor(p / 8)] |= 0x80 >> (p % 8);
  return extension('2.5.29.15', true, bits(bytes, 7 - (last % 8)));
}

export const EXT_KEY_USAGE = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;
export const extKeyUsage = (usages: Array<keyof typeof EXT_KEY_USAGE>) =>
  extension('2.5.29.37', false, seq(...usages.map((u) => oid(EXT_KEY_USAGE[u]))));

export const subjectAltName = (dns: string[], ips: string[]) =>
  extension('2.5.29.17', false, seq(...dns.map((d) => implicit(2, Buffer.from(d, 'ascii'))), ...ips.map((ip) => implicit(7, ipBytes(ip)))));

/** nameConstraints (critical), permitting only these DNS names (and their subdomains) and IPv4 ranges. */
export function nameConstraints(dns: string[], ipv4: Array<{ ip: string; mask: string }>): Buffer {
  const subtrees = [
    ...dns.map((d) => seq(implicit(2, Buffer.from(d, 'ascii')))),
    ...ipv4.map(({ ip, mask }) => seq(implicit(7, Buffer.concat([ipBytes(ip), ipBytes(mask)])))),
  ];
  return extension('2.5.29.30', true, seq(explicit(0, Buffer.concat(subtrees)))); // [0] permittedSubtrees
}

export const subjectKeyIdentifier = (keyId: Buffer) => extension('2.5.29.14', false, octets(keyId));
export const authorityKeyIdentifier = (keyId: Buffer) => extension('2.5.29.35', false, seq(implicit(0, keyId)));

/** The SHA-1 of the public key's bits (RFC 5280 4.2.1.2, method 1). */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const [, key] = children(spki, readTlv(spki, 0)); // algorithm, subjectPublicKey
  return createHash('sha1')
    .update(spki.subarray(key.contentStart + 1, key.end)) // past the unused-bits byte
    .digest();
}

export interface CertificateSpec {
  /** Big-endian bytes of a positive serial. */
  serial: Buffer;
  subject: Buffer;
  issuer: Buffer;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  extensions: Buffer[];
  /** The issuer's private key (ECDSA P-256). */
  signingKey: KeyObject;
}

/** The signed certificate, PEM. */
export function issueCertificate(c: CertificateSpec): string {
  const tbs = seq(
    explicit(0, int(2)), // v3
    int(c.serial),
    ECDSA_WITH_SHA256,
    c.issuer,
    seq(time(c.notBefore), time(c.notAfter)),
    c.subject,
    c.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...c.extensions)),
  );
  const signature = sign('sha256', tbs, { key: c.signingKey, dsaEncoding: 'der' });
  const der = seq(tbs, ECDSA_WITH_SHA256, bits(signature));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** What a CA certificate gives the certificates it signs: its subject as encoded, its key id and its end. */
export function caFacts(certPem: string): { subject: Buffer; keyId: Buffer; notAfter: Date } {
  const cert = new X509Certificate(certPem);
  const der = cert.raw;
  const [tbs] = children(der, readTlv(der, 0));
  const fields = children(der, tbs);
  const v3 = fields[0].tag === 0xa0 ? 1 : 0; // [0] version comes first when present
  const subject = fields[v3 + 4];
  let keyId: Buffer | undefined;
  const exts = fields.find((f) => f.tag === 0xa3);
  if (exts) {
    for (const ext of children(der, children(der, exts)[0])) {
      const [id, ...rest] = children(der, ext);
      if (!der.subarray(id.start, id.end).equals(oid('2.5.29.14'))) continue;
      const value = rest[rest.length - 1]; // OCTET STRING holding an OCTET STRING
      const inner = readTlv(der, value.contentStart);
      keyId = der.subarray(inner.contentStart, inner.end);
    }
  }
  return {
    subject: der.subarray(subject.start, subject.end),
    keyId: keyId ?? keyIdentifier(cert.publicKey),
    notAfter: new Date(cert.validTo),
  };
}

const DAY = 24 * 60 * 60 * 1000;
// Tolerate clocks that are slightly behind the machine that issued the cert.
export const BACKDATE = 5 * 60 * 1000;

/** A CA as the certificates it signs name it, with its key. */
export interface SigningCa {
  key: KeyObject;
  subject: Buffer;
  keyId: Buffer;
  notAfter: Date;
}

/** A new self-signed CA named CN=`cn` (pathLen 0, its own key id), with `extensions` besides (its key usage, constraints). */
export function issueSelfSignedCa(cn: string, extensions: Buffer[], days: number): SigningCa & { cert: string } {
  const { publicKey, privateKey } = newKeyPair();
  const now = Date.now();
  const subject = distinguishedName([['CN', cn]]);
  const keyId = keyIdentifier(publicKey);
  const notAfter = new Date(now + days * DAY);
  const cert = issueCertificate({
    serial: serial(),
    subject,
    issuer: subject,
    notBefore: new Date(now - BACKDATE),
    notAfter,
    publicKey,
    signingKey: privateKey,
    extensions: [basicConstraints(true), ...extensions, subjectKeyIdentifier(keyId)],
  });
  return { cert, key: privateKey, subject, keyId, notAfter };
}

/**
 * A fresh P-256 key and a certificate for it signed by `ca`: not a CA, naming the CA's key id,
 * valid from a little before now for `days` (never past the CA), with `extensions` besides.
 */
export function issueLeaf(ca: SigningCa, subject: Buffer, extensions: Buffer[], days: number): { cert: string; key: string } {
  const { publicKey, privateKey } = newKeyPair();
  const now = Date.now();
  const cert = issueCertificate({
    serial: serial(),
    subject,
    issuer: ca.subject,
    notBefore: new Date(now - BACKDATE),
    notAfter: new Date(Math.min(now + days * DAY, ca.notAfter.getTime())),
    publicKey,
    signingKey: ca.key,
    extensions: [basicConstraints(false), authorityKeyIdentifier(ca.keyId), ...extensions],
  });
  return { cert, key: keyToPem(privateKey) };
}

export function newKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

export function keyToPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

// Positive and minimally encoded: Go (kubectl) rejects negative serial numbers and
// non-minimal ASN.1 integers, so the first byte must be 0x01..0x7f.
export function serial(): Buffer {
  const b = randomBytes(16);
  b[0] = (b[0] % 0x7f) + 1;
  return b;
}
