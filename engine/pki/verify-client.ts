// Client-certificate authentication for the API server. The TLS server runs with
// requestCert:true, rejectUnauthorized:false (so token and anonymous clients still connect);
// each request then checks the peer cert here. Uses node:crypto only: it is synchronous and
// cheap, and keeps @peculiar/x509 out of the server's start-up path.
import { X509Certificate } from 'node:crypto';
// toLegacyObject() loads Node's internal _tls_common; when node:tls is not loaded yet that
// circular load leaves node:tls without createSecureContext and every later https.createServer
// throws. Loading node:tls first avoids it (seen on Node 20.20).
import 'node:tls';

export interface CertIdentity {
  /** Subject CN. */
  user: string;
  /** Subject O values, in order. */
  groups: string[];
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';

export type PeerCert = Buffer | Uint8Array | string | X509Certificate;

/**
 * Returns the identity in a client certificate when our CA signed it, it is within its
 * validity dates, it is not a CA and its extended key usage allows client auth; else undefined.
 * Like Go's verifier (and so Kubernetes), a cert without an EKU extension allows any usage.
 */
export function verifyClientCert(peerCert: PeerCert, caPem: string | X509Certificate, now = new Date()): CertIdentity | undefined {
  let cert: X509Certificate;
  try {
    cert = peerCert instanceof X509Certificate ? peerCert : new X509Certificate(peerCert);
  } catch {
    return undefined;
  }
  const ca = typeof caPem === 'string' ? new X509Certificate(caPem) : caPem;
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return undefined;
  const t = now.getTime();
  if (t < Date.parse(cert.validFrom) || t > Date.parse(cert.validTo)) return undefined;
  if (t < Date.parse(ca.validFrom) || t > Date.parse(ca.validTo)) return undefined;
  if (cert.ca) return undefined;
  const eku = cert.keyUsage;
  if (eku && !eku.includes(CLIENT_AUTH) && !eku.includes(ANY_EKU)) return undefined;
  const subject = cert.toLegacyObject().subject as Record<string, string | string[] | undefined>;
  const user = first(subject.CN);
  if (!user) return undefined;
  return { user, groups: all(subject.O) };
}

/** Same check with the CA parsed once, for per-request use. */
export function createClientCertVerifier(caPem: string): (peerCert: PeerCert, now?: Date) => CertIdentity | undefined {
  const ca = new X509Certificate(caPem);
  return (peerCert, now) => verifyClientCert(peerCert, ca, now);
}

function all(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function first(v: string | string[] | undefined): string | undefined {
  return all(v)[0];
}
