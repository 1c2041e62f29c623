// The cluster's localhost CA: issues the ingress's serving certificates for `<name>.localhost`
// on demand (browsers refuse a `*.localhost` wildcard, so one leaf per host). Users trust this CA
// once; it is a different CA from the cluster's (whose key vouches for API clients), and it is
// name-constrained to `localhost` and its subdomains and to 127.0.0.1, so trusting it lets it vouch
// for nothing else (browsers enforce name constraints on locally trusted roots). Built with
// cert-der.ts: it loads on every start, just as the user's first kubectl commands come in.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  authorityKeyIdentifier,
  basicConstraints,
  caFacts,
  distinguishedName,
  extKeyUsage,
  issueCertificate,
  keyIdentifier,
  keyUsage,
  nameConstraints,
  subjectAltName,
  subjectKeyIdentifier,
} from './cert-der';
import { BACKDATE, serial } from './create-pki';
import { ensurePrivateDir, writePrivateFile } from './private-file';

const DAY = 24 * 60 * 60 * 1000;
/** Browsers cap a leaf's validity (398 days); ours are re-issued on every start anyway. */
const LEAF_DAYS = 90;

export const LOCALHOST_CA_FILES = { cert: 'localhost-ca.crt', key: 'localhost-ca.key' } as const;

export interface LocalhostCa {
  /** PEM, for users to trust (and for tests to verify with). */
  certPem: string;
  /** A serving certificate and key (PEM) for one host under localhost. */
  issue(host: string): Promise<{ cert: string; key: string }>;
}

export function loadOrCreateLocalhostCa(pkiDir: string): Promise<LocalhostCa> {
  return new Promise((resolve) => resolve(localhostCa(pkiDir)));
}

function localhostCa(pkiDir: string): LocalhostCa {
  ensurePrivateDir(pkiDir);
  const certPath = join(pkiDir, LOCALHOST_CA_FILES.cert);
  const keyPath = join(pkiDir, LOCALHOST_CA_FILES.key);
  let certPem: string;
  let privateKey: KeyObject;
  if (existsSync(certPath) && existsSync(keyPath)) {
    certPem = readFileSync(certPath, 'utf8');
    privateKey = createPrivateKey(readFileSync(keyPath, 'utf8'));
  } else {
    const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const now = Date.now();
    const subject = distinguishedName([['CN', 'skiff localhost CA']]);
    certPem = issueCertificate({
      serial: serial(),
      subject,
      issuer: subject,
      notBefore: new Date(now - BACKDATE),
      notAfter: new Date(now + 3650 * DAY),
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      extensions: [
        basicConstraints(true),
        keyUsage(['keyCertSign', 'cRLSign']),
        nameConstraints(['localhost'], [{ ip: '127.0.0.1', mask: '255.255.255.255' }]),
        subjectKeyIdentifier(keyIdentifier(keys.publicKey)),
      ],
    });
    privateKey = keys.privateKey;
    writePrivateFile(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    writePrivateFile(certPath, certPem);
  }
  const ca = caFacts(certPem);
  return {
    certPem,
    issue(host) {
      return new Promise((resolve) => {
        const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
        const now = Date.now();
        const cert = issueCertificate({
          serial: serial(),
          subject: distinguishedName([['CN', host]]),
          issuer: ca.subject,
          notBefore: new Date(now - BACKDATE),
          notAfter: new Date(Math.min(now + LEAF_DAYS * DAY, ca.notAfter.getTime())),
          publicKey: keys.publicKey,
          signingKey: privateKey,
          extensions: [
            basicConstraints(false),
            keyUsage(['digitalSignature']),
            extKeyUsage(['serverAuth']),
            subjectAltName([host], []),
            authorityKeyIdentifier(ca.keyId),
          ],
        });
        resolve({ cert, key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string });
      });
    },
  };
}
