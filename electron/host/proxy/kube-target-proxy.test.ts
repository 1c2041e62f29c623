// proxy-url (an HTTP CONNECT proxy) and tls-server-name, which client-node supports through
// its agents: the host's checks and kube proxy must keep them working.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { createKubeTargets } from './kube-target';
import { checkProfile } from '../profiles/profile-check';
import { kubeRequest } from './kube-request';
import { startTestApiServer, type TestApiServer } from '../testing/test-api-server';

let api: TestApiServer;
let proxy: Server;
let proxyPort: number;
const tunnels: string[] = [];
const sockets: Socket[] = [];
const targets = createKubeTargets();

before(async () => {
  api = await startTestApiServer();
  proxy = createServer();
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push(String(req.url));
    const [host, port] = String(req.url).split(':');
    const up = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    sockets.push(up, client);
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyPort = (proxy.address() as { port: number }).port;
});

after(async () => {
  sockets.forEach((s) => s.destroy());
  proxy.close();
  targets.close();
  await api.close();
});

function kubeconfig(cluster: Record<string, unknown>): KubeConfig {
  const doc = parseYaml(api.kubeconfigYaml);
  Object.assign(doc.clusters[0].cluster, cluster);
  const kc = new KubeConfig();
  kc.loadFromString(JSON.stringify(doc));
  return kc;
}

test('proxy-url: checks and proxied requests go through the CONNECT proxy', async () => {
  const kc = kubeconfig({ 'proxy-url': `http://127.0.0.1:${proxyPort}` });
  const c = await checkProfile({ name: 'proxied', kubeConfig: () => kc }, { targets });
  assert.equal(c.ok, true, c.reason);
  const t = await targets.resolve(kc);
  const r = await kubeRequest(t, '/api/v1/namespaces/default', 5000);
  assert.equal(r.status, 200, r.text);
  assert.ok(tunnels.length >= 2, `tunnels: ${tunnels}`);
  assert.ok(tunnels.every((u) => u === new URL(api.server.url).host));
});

test('tls-server-name: the certificate is checked against that name', async () => {
  const ok = await checkProfile({ name: 'sni', kubeConfig: () => kubeconfig({ 'tls-server-name': 'localhost' }) }, { targets });
  assert.equal(ok.ok, true, ok.reason);
  const bad = await checkProfile(
    { name: 'sni-bad', kubeConfig: () => kubeconfig({ 'tls-server-name': 'elsewhere.example' }) },
    { targets },
  );
  assert.match(bad.reason ?? '', /certificate name mismatch: .*not elsewhere\.example/);
});
