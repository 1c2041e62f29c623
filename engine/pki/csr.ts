// PKCS#10 certificate signing requests (csr-x509.ts does the work): this facade loads
// @peculiar/x509 only when a CSR is made or read, not when the control plane starts.

export interface CsrFacts {
  /** Subject CN ('' when absent). */
  commonName: string;
  /** Subject O values. */
  organizations: string[];
  /** DNS, IP, email or URI names the request asks for (any makes a client cert request suspect). */
  altNames: string[];
  /** The request is signed by the key it carries. */
  signatureValid: boolean;
}

const impl = () => import('./csr-x509');

/** A new key (ECDSA P-256) and a PEM CSR for it. */
export async function createCsr(subject: { commonName: string; organizations: string[] }): Promise<{ csr: string; key: string }> {
  return (await impl()).createCsr(subject);
}

/** What a PEM CSR asks for; throws when it is not one. */
export async function readCsr(pem: string): Promise<CsrFacts> {
  return (await impl()).readCsr(pem);
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
  return (await impl()).signCsr(pem, ca, opts);
}
