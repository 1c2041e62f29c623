// Plain HTTP to a cluster's ingress with a Host header, and the busybox httpd app the ingress and
// gateway tests route to (test/docker/ingress.test.ts, gateway.test.ts).
import assert from 'node:assert/strict';
import { request, type Agent } from 'node:http';
import { BUSYBOX_IMAGE } from '../images';
import { waitFor, type DockerCluster } from '../docker-cluster';

export interface HostResponse {
  status: number;
  body: string;
}

export function getHost(
  port: number,
  host: string,
  path = '/',
  opts: { agent?: Agent; headers?: Record<string, string> } = {},
): Promise<HostResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: opts.agent ?? false, headers: { ...opts.headers, Host: host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode!, body: body.trim() }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timed out')));
    req.end();
  });
}

/** Waits until host+path answers 200 with a body matching `want`. */
export const answersOn = (port: number, host: string, path: string, want: RegExp, headers?: Record<string, string>) =>
  waitFor(
    `${host}${path} answering ${want}`,
    async () => {
      const r = await getHost(port, host, path, { headers }).catch(() => undefined);
      return r?.status === 200 && want.test(r.body) && r;
    },
    60_000,
    100,
  );

export async function kubectlOk(c: DockerCluster, args: string[], input?: string): Promise<string> {
  const r = await c.kubectl(args, { input });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A Deployment of busybox httpd answering "<name> <pod>" on port 80 (also under /api/), exposed as a Service. */
export async function httpdApp(c: DockerCluster, name: string) {
  const script = `mkdir -p /www/api && echo ${name} $HOSTNAME > /www/index.html && cp /www/index.html /www/api/index.html && exec httpd -f -p 80 -h /www`;
  await kubectlOk(c, ['create', 'deployment', name, `--image=${BUSYBOX_IMAGE}`, '--port=80', '--', 'sh', '-c', script]);
  await kubectlOk(c, ['expose', 'deployment', name, '--port=80']);
}
