// Node client certificates with chosen lives from a fresh cluster CA's real signer, for tests of
// what happens as they age (renewal at 80 %, expiry after a machine was off or asleep).
import { createPki } from '../create-pki';
import { createCsr, signCsr } from '../csr';

export interface ShortLivedSigner {
  ca: { cert: string; key: string };
  /** A system:node:m2 certificate signed at `signedAt`, valid `seconds` (the signer backdates 5 min). */
  nodeCert: (signedAt: Date, seconds: number) => Promise<{ cert: string; key: string }>;
}

export async function shortLivedSigner(): Promise<ShortLivedSigner> {
  const pki = await createPki();
  const ca = { cert: pki.caCert, key: pki.caKey };
  return {
    ca,
    nodeCert: async (signedAt, seconds) => {
      const { csr, key } = await createCsr({ commonName: 'system:node:m2', organizations: ['system:nodes'] });
      return { cert: await signCsr(csr, ca, { usages: ['digital signature', 'client auth'], seconds, now: signedAt }), key };
    },
  };
}
