// The cluster's localhost CA: issues the ingress's serving certificates for `<name>.localhost`
// on demand (browsers refuse a `*.localhost` wildcard, so one leaf per host). Users trust this CA
// once; it is a different CA from the cluster's (whose key vouches for API clients), and it is
// name-constrained to `localhost` and its subdomains and to 127.0.0.1, so trusting it lets it vouch
// for nothing else (browsers enforce name constraints on locally trusted roots).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, type webcrypto } from 'node:crypto';
import { x509, subtle } from './x509';
import { ensurePrivateDir, writePrivateFile } from './private-file';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 24 * 60 * 60 * 1000;
const BACKDATE = 5 * 60 * 1000;
/** Browsers cap a leaf's validity (398 days); ours are re-issued on every start anyway. */
const LEAF_DAYS = 90;

export const LOCALHOST_CA_FILES = { cert: 'localhost-ca.crt', key: 'localhost-ca.key' } as const;

export interface LocalhostCa {
  /** PEM, for users to trust (and for tests to verify with). */
  certPem: string;
  /** A serving certificate and key (PEM) for one host under localhost. */
  issue(host: string): Promise<{ cert: string; key: string }>;
}

export async function loadOrCreateLocalhostCa(pkiDir: string): Promise<LocalhostCa> {
  ensurePrivateDir(pkiDir);
  const certPath = join(pkiDir, LOCALHOST_CA_FILES.cert);
  const keyPath = join(pkiDir, LOCALHOST_CA_FILES.key);
  let cert: x509.X509Certificate;
  let privateKey: webcrypto.CryptoKey;
  if (existsSync(certPath) && existsSync(keyPath)) {
    cert = new x509.X509Certificate(readFileSync(certPath, 'utf8'));
    privateKey = await subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(readFileSync(keyPath, 'utf8')), ALG, true, ['sign']);
  } else {
    const keys = await subtle.generateKey(ALG, true, ['sign', 'verify']);
    const now = Date.now();
    cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: [{ CN: ['skiff localhost CA'] }],
      notBefore: new Date(now - BACKDATE),
      notAfter: new Date(now + 3650 * DAY),
      keys,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        new x509.Extension('2.5.29.30', true, localhostOnly()),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    privateKey = keys.privateKey;
    writePrivateFile(keyPath, x509.PemConverter.encode(await subtle.exportKey('pkcs8', privateKey), 'PRIVATE KEY'));
    writePrivateFile(certPath, cert.toString('pem'));
  }
  const caPublic = await subtle.importKey('spki', cert.publicKey.rawData, ALG, true, ['verify']);
  return {
    certPem: cert.toString('pem'),
    async issue(host) {
      const keys = await subtle.generateKey(ALG, true, ['sign', 'verify']);
      const now = Date.now();
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: [{ CN: [host] }],
        issuer: cert.subjectName,
        notBefore: new Date(now - BACKDATE),
        notAfter: new Date(Math.min(now + LEAF_DAYS * DAY, cert.notAfter.getTime())),
        publicKey: keys.publicKey,
        signingKey: privateKey,
        signingAlgorithm: ALG,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: host }]),
          await x509.AuthorityKeyIdentifierExtension.create(caPublic),
        ],
      });
      const key = x509.PemConverter.encode(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
      return { cert: leaf.toString('pem'), key };
    },
  };
}

/** NameConstraints permitting dNSName `localhost` (and its subdomains) and iPAddress 127.0.0.1/32 only. */
function localhostOnly(): Uint8Array {
  const dns = der(0x82, Buffer.from('localhost', 'ascii'));
  const ip = der(0x87, Buffer.from([127, 0, 0, 1, 255, 255, 255, 255]));
  return der(0x30, der(0xa0, Buffer.concat([der(0x30, dns), der(0x30, ip)])));
}

/** One DER TLV (short or long length form). */
function der(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] % 0x7f) + 1;
  return b.toString('hex');
}
