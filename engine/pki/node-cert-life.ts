// Where a joined machine's client certificate stands in its life when the agent starts: an expired
// one is refused by the cluster (nothing the agent does can work), and one past 80 % of its life
// is renewed before anything else, since the running agent's renewal (at a jittered 70–90 %)
// might otherwise come too late for a machine that was off for a while.
import { X509Certificate } from 'node:crypto';

/** The share of a certificate's life after which a start renews it at once. */
export const RENEW_AT_START_FRACTION = 0.8;

export interface CertLife {
  /** fine: use it; renew: still valid but past RENEW_AT_START_FRACTION; expired: past its notAfter. */
  state: 'fine' | 'renew' | 'expired';
  validFrom: Date;
  validTo: Date;
}

/** Throws when `certPem` is not a certificate. */
export function certLife(certPem: string, now = new Date()): CertLife {
  const c = new X509Certificate(certPem);
  const validFrom = new Date(c.validFrom);
  const validTo = new Date(c.validTo);
  const t = now.getTime();
  const renewAt = validFrom.getTime() + (validTo.getTime() - validFrom.getTime()) * RENEW_AT_START_FRACTION;
  return { state: t >= validTo.getTime() ? 'expired' : t >= renewAt ? 'renew' : 'fine', validFrom, validTo };
}
