// Persists a cluster's PKI in one directory so a restart keeps the same CA (and therefore
// every kubeconfig handed out stays valid). Leaf certs are reissued from the stored CA when
// missing, near expiry, not ours, or missing requested SANs. The check uses node:crypto only;
// the generator (create-pki.ts) is imported only when something must be issued.
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from './private-file';
import { verifyClientCert } from './verify-client';
import { loadOrCreateSigningKey, previousVerifyKeys } from './sa-key-files';
import { SERVER_DNS, type Pki, type PkiOptions } from './types';

export interface StoredPki extends Pki {
  /** Random bearer token for the admin user (also stored in the pki dir). */
  adminToken: string;
  /** ES256 key that signs service-account tokens (PKCS#8 PEM; every API server instance shares it). */
  serviceAccountKey: string;
  /** Public keys of earlier signing keys (rotateSigningKey): their tokens verify until they expire. */
  serviceAccountVerifyKeys: string[];
  dir: string;
}

export const PKI_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'apiserver.crt',
  serverKey: 'apiserver.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
  adminToken: 'admin.token',
  serviceAccountKey: 'sa.key',
} as const;

/** Earlier service-account signing keys (written only by a rotation, so not among PKI_FILES). */
export const SA_PREVIOUS_KEYS = 'sa-previous.json';

const RENEW_BEFORE = 30 * 24 * 60 * 60 * 1000;

export async function loadOrCreatePki(dir: string, opts: PkiOptions = {}): Promise<StoredPki> {
  ensurePrivateDir(dir);
  const file = (k: keyof typeof PKI_FILES) => join(dir, PKI_FILES[k]);
  const read = (k: keyof typeof PKI_FILES) => (existsSync(file(k)) ? readFileSync(file(k), 'utf8') : undefined);
  const write = (k: keyof typeof PKI_FILES, data: string) => writePrivateFile(file(k), data);

  let pki: Pki;
  const caCert = read('caCert');
  const caKey = read('caKey');
  if (!caCert || !caKey || !usable(caCert)) {
    const { createPki } = await import('./create-pki');
    pki = await createPki(opts);
    for (const k of ['caKey', 'caCert', 'serverKey', 'serverCert', 'adminKey', 'adminCert'] as const) write(k, pki[k]);
  } else {
    pki = {
      caCert,
      caKey,
      serverCert: read('serverCert') ?? '',
      serverKey: read('serverKey') ?? '',
      adminCert: read('adminCert') ?? '',
      adminKey: read('adminKey') ?? '',
    };
    if (!serverCertOk(pki, opts)) {
      const { reissueServerCert } = await import('./create-pki');
      const leaf = await reissueServerCert(caCert, caKey, opts);
      write('serverKey', (pki.serverKey = leaf.key));
      write('serverCert', (pki.serverCert = leaf.cert));
    }
    if (!adminCertOk(pki)) {
      const { reissueAdminCert } = await import('./create-pki');
      const leaf = await reissueAdminCert(caCert, caKey);
      write('adminKey', (pki.adminKey = leaf.key));
      write('adminCert', (pki.adminCert = leaf.cert));
    }
  }

  let adminToken = read('adminToken')?.trim();
  if (!adminToken) {
    adminToken = randomBytes(32).toString('base64url');
    write('adminToken', adminToken + '\n');
  }
  // Made with the rest, or on the first start after an upgrade (replacing the old HMAC secret).
  const serviceAccountKey = loadOrCreateSigningKey(file('serviceAccountKey'));
  const serviceAccountVerifyKeys = previousVerifyKeys(join(dir, SA_PREVIOUS_KEYS));
  return { ...pki, adminToken, serviceAccountKey, serviceAccountVerifyKeys, dir };
}

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

/** Valid now and for at least the renewal window. */
function usable(pem: string): boolean {
  const c = parse(pem);
  return !!c && Date.parse(c.validFrom) <= Date.now() && Date.parse(c.validTo) - Date.now() > RENEW_BEFORE;
}

function signedBy(pem: string, caPem: string): boolean {
  const c = parse(pem);
  const ca = parse(caPem);
  return !!c && !!ca && c.checkIssued(ca) && c.verify(ca.publicKey);
}

function serverCertOk(pki: Pki, opts: PkiOptions): boolean {
  if (!pki.serverKey || !usable(pki.serverCert) || !signedBy(pki.serverCert, pki.caCert)) return false;
  const cert = parse(pki.serverCert)!;
  if (!keyMatches(cert, pki.serverKey)) return false;
  return (
    [...(opts.extraIPs ?? []), '127.0.0.1'].every((ip) => cert.checkIP(ip) !== undefined) &&
    [...(opts.extraDNS ?? []), ...SERVER_DNS].every((dns) => cert.checkHost(dns, { subject: 'never', wildcards: false }) !== undefined)
  );
}

function adminCertOk(pki: Pki): boolean {
  if (!pki.adminKey || !usable(pki.adminCert)) return false;
  return verifyClientCert(pki.adminCert, pki.caCert) !== undefined && keyMatches(parse(pki.adminCert)!, pki.adminKey);
}

function keyMatches(cert: X509Certificate, keyPem: string): boolean {
  try {
    return cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}
