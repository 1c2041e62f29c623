// Where a joined machine's client certificate stands in its life when the agent starts: an expired
// one is refused by the cluster (nothing the agent does can work), and one past 80 % of its life
// is renewed at once, since a renewal timed by timers comes late for a machine that was off or
// asleep (timers do not count suspended time). Used at the agent's start and by its rotation.
import { X509Certificate } from 'node:crypto';

/** The share of a certificate's life after which it is renewed at once. */
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

/** What an expired client certificate means and what to do (said at the agent's start and when the running agent finds it). */
export function expiredCertText(nodeName: string, validTo: Date): { what: string; fix: string } {
  return {
    what: `the client certificate of node "${nodeName}" expired at ${validTo.toISOString()} (this machine was off or asleep past its renewal), so the cluster refuses it`,
    fix: 'run "skiff join" again with a fresh token (on the first machine: skiff token create --print-join-command)',
  };
}
