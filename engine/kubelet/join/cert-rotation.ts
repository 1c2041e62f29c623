// Client-certificate rotation, as the kubelet's certificate manager does it: at a jittered point of
// the current certificate's life, ask for a new one with a fresh key — a CSR made with the current
// certificate, which the approver grants as "selfnodeclient" — then switch the client to it and
// hand it to `onRotated` (which saves it). A failed attempt is retried with back-off.
// Node's timers do not count time the machine was suspended, so one long timer fires late after a
// sleep: the schedule instead looks at the wall clock at least every `checkEveryMs` (30 s). Past
// 80 % of the life it renews at once; past its end it stops (the cluster refuses an expired
// certificate, so retrying would only collect 401s) and resolves `expired`.
import { X509Certificate } from 'node:crypto';
import type { HttpKubeClient } from '../../client/http-client';
import { certLife, RENEW_AT_START_FRACTION } from '../../pki/node-cert-life';
import { requestNodeCertificate, type NodeCredentials } from './tls-bootstrap';

export interface CertRotation {
  /** When the next renewal is due. */
  nextAt(): Date;
  /** Renews now (tests, or a certificate found expired). */
  rotateNow(): Promise<NodeCredentials>;
  /** Resolves with the certificate's end once the wall clock is past it; the rotation has then stopped. */
  expired: Promise<Date>;
  stop(): void;
}

/** A jittered point between 70 % and 80 % of the certificate's validity (past 80 % it is renewed at once). */
export function renewalDeadline(certPem: string, random = Math.random): Date {
  const c = new X509Certificate(certPem);
  const from = Date.parse(c.validFrom);
  const to = Date.parse(c.validTo);
  return new Date(from + (to - from) * (0.7 + (RENEW_AT_START_FRACTION - 0.7) * random()));
}

export function startCertRotation(o: {
  client: HttpKubeClient;
  nodeName: string;
  cert: string;
  onRotated(creds: NodeCredentials): void;
  log?: (line: string) => void;
  /** Wall clock (tests jump it). */
  now?: () => number;
  /** Longest wait between two looks at the clock (default 30 s). */
  checkEveryMs?: number;
  /** Asks for the new certificate (default: the CSR made with the current one). */
  renew?: () => Promise<NodeCredentials>;
}): CertRotation {
  const log = o.log ?? (() => {});
  const now = o.now ?? Date.now;
  const checkEveryMs = o.checkEveryMs ?? 30_000;
  const renew = o.renew ?? (() => requestNodeCertificate(o.client, o.nodeName));
  let current = o.cert;
  let deadline = renewalDeadline(current).getTime();
  let retryAt = 0; // after a failure: not before this
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let busy = false;
  let failures = 0;
  let onExpired: (validTo: Date) => void = () => {};
  const expired = new Promise<Date>((r) => (onExpired = r));

  async function rotateNow(): Promise<NodeCredentials> {
    const creds = await renew();
    o.client.setCredentials(creds);
    current = creds.cert;
    deadline = renewalDeadline(current).getTime();
    o.onRotated(creds);
    log(`node ${o.nodeName}: client certificate rotated (valid until ${new X509Certificate(creds.cert).validTo})`);
    return creds;
  }

  function schedule() {
    if (stopped) return;
    const wait = Math.max(retryAt, deadline) - now();
    timer = setTimeout(tick, Math.min(Math.max(0, wait), checkEveryMs));
    timer.unref?.();
  }
  function tick() {
    if (stopped || busy) return;
    const t = now();
    const life = certLife(current, new Date(t));
    if (life.state === 'expired') {
      stop();
      log(`node ${o.nodeName}: client certificate expired at ${life.validTo.toISOString()}; stopping its rotation`);
      return onExpired(life.validTo);
    }
    if (t < retryAt || t < deadline) return schedule(); // deadline: at most 80 % of the life
    busy = true;
    rotateNow().then(
      () => {
        busy = false;
        failures = 0;
        retryAt = 0;
        schedule();
      },
      (e: Error) => {
        busy = false;
        failures++;
        // The renewal is sent with the node's certificate, not a token: a 401 is about the certificate.
        const why = /refused the token/.test(e.message) ? "the cluster refused the node's certificate (401)" : e.message;
        log(`node ${o.nodeName}: renewing its client certificate with the current one failed (${why}); retrying`);
        retryAt = now() + Math.min(1000 * 2 ** failures, 5 * 60_000);
        schedule();
      },
    );
  }
  function stop() {
    stopped = true;
    if (timer) clearTimeout(timer);
  }
  schedule();
  return { nextAt: () => new Date(deadline), rotateNow, expired, stop };
}
