// Client-certificate rotation, as the kubelet's certificate manager does it: at a jittered 70–90 %
// of the current certificate's life, ask for a new one with a fresh key — a CSR made with the
// current certificate, which the approver grants as "selfnodeclient" — then switch the client
// to it and hand it to `onRotated` (which saves it). A failed attempt is retried with back-off.
import { X509Certificate } from 'node:crypto';
import type { HttpKubeClient } from '../../client/http-client';
import { requestNodeCertificate, type NodeCredentials } from './tls-bootstrap';

export interface CertRotation {
  /** When the next renewal is due. */
  nextAt(): Date;
  /** Renews now (tests, or a certificate found expired). */
  rotateNow(): Promise<NodeCredentials>;
  stop(): void;
}

/** A jittered point between 70 % and 90 % of the certificate's validity (upstream's deadline). */
export function renewalDeadline(certPem: string, random = Math.random): Date {
  const c = new X509Certificate(certPem);
  const from = Date.parse(c.validFrom);
  const to = Date.parse(c.validTo);
  return new Date(from + (to - from) * (0.7 + 0.2 * random()));
}

export function startCertRotation(o: {
  client: HttpKubeClient;
  nodeName: string;
  cert: string;
  onRotated(creds: NodeCredentials): void;
  log?: (line: string) => void;
}): CertRotation {
  const log = o.log ?? (() => {});
  let current = o.cert;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let failures = 0;

  async function rotateNow(): Promise<NodeCredentials> {
    const creds = await requestNodeCertificate(o.client, o.nodeName);
    o.client.setCredentials(creds);
    current = creds.cert;
    o.onRotated(creds);
    log(`node ${o.nodeName}: client certificate rotated (valid until ${new X509Certificate(creds.cert).validTo})`);
    return creds;
  }

  function schedule(delayMs: number) {
    if (stopped) return;
    // setTimeout holds at most ~24.8 days: wake up then and look again.
    timer = setTimeout(tick, Math.min(Math.max(0, delayMs), 2 ** 31 - 1));
    timer.unref?.();
  }
  function tick() {
    const due = renewalDeadline(current).getTime() - Date.now();
    if (due > 0) return schedule(due);
    rotateNow().then(
      () => {
        failures = 0;
        schedule(renewalDeadline(current).getTime() - Date.now());
      },
      (e: Error) => {
        failures++;
        log(`node ${o.nodeName}: certificate rotation failed (${e.message}); retrying`);
        schedule(Math.min(1000 * 2 ** failures, 5 * 60_000));
      },
    );
  }
  schedule(renewalDeadline(current).getTime() - Date.now());
  return {
    nextAt: () => renewalDeadline(current),
    rotateNow,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
