// POSTs an AdmissionReview over HTTPS, trusting only the webhook's caBundle (or the system
// roots without one), within the webhook's timeout; upstream adds `?timeout=Ns` so the server
// knows its budget. Failures read like Go's net/http errors, which users search for.
import { request } from 'node:https';

export interface WebhookTarget {
  /** Where to connect (a resolved endpoint for Services). */
  url: URL;
  /** TLS server name to verify (a Service's `<name>.<namespace>.svc`), default the URL's host. */
  serverName?: string;
  caBundle?: string;
}

export type PostReview = (target: WebhookTarget, body: object, timeoutMs: number) => Promise<unknown>;

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

function describe(e: NodeJS.ErrnoException, host: string): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${host}: connect: connection refused`;
    case 'ECONNRESET':
      return 'read: connection reset by peer';
    case 'ENOTFOUND':
      return `dial tcp: lookup ${host}: no such host`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is not valid for ${host}`;
    default:
      return e.message;
  }
}

export const postReview: PostReview = (target, body, timeoutMs) =>
  new Promise((resolve, reject) => {
    const url = new URL(target.url);
    url.searchParams.set('timeout', `${Math.ceil(timeoutMs / 1000)}s`);
    const shown = `Post ${JSON.stringify(url.toString())}`;
    const ca = target.caBundle ? Buffer.from(target.caBundle, 'base64').toString('utf8') : undefined;
    const payload = Buffer.from(JSON.stringify(body));
    let done = false;
    const finish = (err: string | undefined, value?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err !== undefined) reject(new Error(err));
      else resolve(value);
    };
    const req = request(
      url,
      {
        method: 'POST',
        ca,
        servername: target.serverName,
        agent: false,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': payload.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy();
            finish(`${shown}: response body larger than ${MAX_RESPONSE_BYTES} bytes`);
          } else chunks.push(c);
        });
        res.on('error', (e) => finish(`${shown}: ${e.message}`));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code < 200 || code > 299) {
            return finish(
              `an error on the server (${JSON.stringify(text.slice(0, 200))}) has prevented the request from succeeding (HTTP ${code})`,
            );
          }
          try {
            finish(undefined, JSON.parse(text));
          } catch (e) {
            finish(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
          }
        });
      },
    );
    const timer = setTimeout(() => {
      finish(`${shown}: context deadline exceeded`);
      req.destroy();
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => finish(`${shown}: ${describe(e, url.host)}`));
    req.end(payload);
  });
