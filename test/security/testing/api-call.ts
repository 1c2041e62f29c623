// Requests for attack tests: one HTTPS call as the admin (any method, path, body, headers), and
// raw bytes over TLS for requests no HTTP client would send.
import { Agent, request } from 'node:https';
import { connect } from 'node:tls';
import type { ApiFixture } from '../../integration/api-fixture';

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export function apiCaller(f: ApiFixture, opts: { maxSockets?: number } = {}) {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: opts.maxSockets ?? 8,
    ca: f.pki.caCert,
    cert: f.pki.adminCert,
    key: f.pki.adminKey,
  });
  const call = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
    new Promise<CallResult>((resolve, reject) => {
      const req = request(
        `${f.server.url}${path}`,
        { method, agent, headers: { 'Content-Type': 'application/json', ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d) => chunks.push(d));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: any;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode!, headers: res.headers, text, json });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { call, close: () => agent.destroy() };
}

/** Sends `head` (and `body`) as raw bytes on a new TLS connection; resolves with everything answered. */
export function rawCall(f: ApiFixture, head: string, body?: Buffer): Promise<{ status: number; text: string }> {
  const url = new URL(f.server.url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: url.hostname, port: Number(url.port), ca: f.pki.caCert, cert: f.pki.adminCert, key: f.pki.adminKey }, () => {
      s.write(head);
      if (body) s.write(body);
    });
    const chunks: Buffer[] = [];
    s.on('data', (d) => chunks.push(d));
    const done = () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    };
    s.on('end', done);
    s.on('close', done);
    s.on('error', (e) => (chunks.length ? done() : reject(e)));
    s.setTimeout(10_000, () => s.destroy());
  });
}

/** The Status body of a raw HTTP answer (after the blank line). */
export function rawStatus(text: string): any {
  const at = text.indexOf('\r\n\r\n');
  try {
    return JSON.parse(text.slice(at + 4));
  } catch {
    return undefined;
  }
}
