// Raw HTTPS to a cluster with the credentials of a Skiff kubeconfig: for tests that need many
// cheap requests or long watch streams without spawning kubectl for each.
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { parse } from 'yaml';

export interface KubeHttp {
  /** One request; resolves with status and the JSON body (`{ text }` for other bodies); rejects on network errors. */
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Opens a stream (watch); the caller reads and destroys the response. */
  stream(path: string): Promise<IncomingMessage>;
}

type Kubeconfig = {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
};

export function kubeHttp(kubeconfigPath: string): KubeHttp {
  const kc = parse(readFileSync(kubeconfigPath, 'utf8')) as Kubeconfig;
  const server = new URL(kc.clusters[0].cluster.server);
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const tls = {
    ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
    cert: b64(kc.users[0].user['client-certificate-data']),
    key: b64(kc.users[0].user['client-key-data']),
  };
  const open = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(
        { host: server.hostname, port: server.port, method, path, headers, agent: false, timeout: 10_000, ...tls },
        resolve,
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  return {
    async call(method, path, body, contentType = 'application/json') {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const res = await open(method, path, text ? { 'Content-Type': contentType } : {}, text);
      let data = '';
      for await (const chunk of res) data += String(chunk);
      const json = /json/.test(String(res.headers['content-type']));
      return { status: res.statusCode ?? 0, body: (json && data ? JSON.parse(data) : { text: data }) as Record<string, unknown> };
    },
    stream: (path) => open('GET', path, {}),
  };
}
