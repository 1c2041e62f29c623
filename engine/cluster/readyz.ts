// Asks a cluster's API server whether it is ready, authenticating with the admin client cert.
import { request } from 'node:https';

export interface ReadyzResult {
  ready: boolean;
  /** Why not, in a few words. */
  reason?: string;
}

export function probeReadyz(
  url: string,
  creds: { caCert: string; adminCert: string; adminKey: string },
  timeoutMs = 2000,
): Promise<ReadyzResult> {
  return new Promise((resolve) => {
    const req = request(
      new URL('/readyz', url),
      { ca: creds.caCert, cert: creds.adminCert, key: creds.adminKey, timeout: timeoutMs, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () =>
          resolve(
            res.statusCode === 200 ? { ready: true } : { ready: false, reason: `/readyz answered ${res.statusCode} ${body.slice(0, 80)}` },
          ),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ ready: false, reason: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end();
  });
}
