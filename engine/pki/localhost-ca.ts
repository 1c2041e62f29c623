// The cluster's localhost CA: issues the ingress's serving certificates for `<name>.localhost`
// on demand (browsers refuse a `*.localhost` wildcard, so one leaf per host). Users trust this CA
// once; it is a different CA from the cluster's (whose key vouches for API clients), and it is
// name-constrained to `localhost` and its subdomains and to 127.0.0.1, so trusting it lets it vouch
// for nothing else (browsers enforce name constraints on locally trusted roots). Built with
// cert-der.ts: it loads on every start, just as the user's first kubectl commands come in.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  caFacts,
  distinguishedName,
  extKeyUsage,
  issueLeaf,
  issueSelfSignedCa,
  keyToPem,
  keyUsage,
  nameConstraints,
  subjectAltName,
} from './cert-der';
import { ensurePrivateDir, writePrivateFile } from './private-file';

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
    const made = issueSelfSignedCa(
      'skiff localhost CA',
      [keyUsage(['keyCertSign', 'cRLSign']), nameConstraints(['localhost'], [{ ip: '127.0.0.1', mask: '255.255.255.255' }])],
      3650,
    );
    certPem = made.cert;
    privateKey = made.key;
    writePrivateFile(keyPath, keyToPem(privateKey));
    writePrivateFile(certPath, certPem);
  }
  const ca = { key: privateKey, ...caFacts(certPem) };
  return {
    certPem,
    issue: (host) =>
      new Promise((resolve) =>
        resolve(
          issueLeaf(
            ca,
            distinguishedName([['CN', host]]),
            [keyUsage(['digitalSignature']), extKeyUsage(['serverAuth']), subjectAltName([host], [])],
            LEAF_DAYS,
          ),
        ),
      ),
  };
}
