// Generates a cluster's PKI with ECDSA P-256 (key generation takes milliseconds, unlike RSA),
// with node:crypto and cert-der.ts only: a new cluster's start makes it.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import {
  caFacts,
  distinguishedName,
  extKeyUsage,
  issueLeaf,
  issueSelfSignedCa,
  keyToPem,
  keyUsage,
  subjectAltName,
  type SigningCa,
} from './cert-der';
import { ADMIN_GROUPS, ADMIN_USER, SERVER_DNS, type Pki, type PkiOptions } from './types';

const CA_DAYS = 3650;
const LEAF_DAYS = 365;
const LEAF_USAGE = [keyUsage(['digitalSignature', 'keyEncipherment'])];

export { SERVER_DNS };

/** A CA ready to sign, with its certificate. */
interface Ca extends SigningCa {
  cert: string;
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
  return issueSelfSignedCa('skiff-ca', [keyUsage(['digitalSignature', 'keyCertSign', 'cRLSign'])], CA_DAYS);
}

function issueServerCert(ca: Ca, opts: PkiOptions): { cert: string; key: string } {
  const ips = unique(['127.0.0.1', ...(opts.extraIPs ?? [])]);
  const dns = unique([...SERVER_DNS, ...(opts.extraDNS ?? [])]);
  return issueLeaf(
    ca,
    distinguishedName([['CN', 'kube-apiserver']]),
    [...LEAF_USAGE, extKeyUsage(['serverAuth']), subjectAltName(dns, ips)],
    LEAF_DAYS,
  );
}

function issueClient(ca: Ca, user: string, groups: string[], days: number): { cert: string; key: string } {
  // One RDN per group, as `openssl -subj /O=a/O=b/CN=u` does; Go reads every O value as a group.
  const subject: Array<['O' | 'CN', string]> = [...groups.map((g): ['O', string] => ['O', g]), ['CN', user]];
  return issueLeaf(ca, distinguishedName(subject), [...LEAF_USAGE, extKeyUsage(['clientAuth'])], days);
}

/** A CA (PEM cert and PKCS#8 key) ready to sign; throws when the key is not the certificate's. */
function loadCa(certPem: string, keyPem: string): Ca {
  const key = createPrivateKey(keyPem);
  if (!new X509Certificate(certPem).publicKey.equals(createPublicKey(key))) throw new Error('the CA key does not match the CA certificate');
  return { cert: certPem, key, ...caFacts(certPem) };
}

/** The work's result as a promise, a throw as its rejection (callers await; the work itself is synchronous). */
function settled<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
