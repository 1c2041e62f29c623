// The built-in ingress on real Docker with real kubectl (issue 18): `kubectl create deployment`,
// `expose` and `create ingress`, then plain HTTP to 127.0.0.1:<ingress port> with a Host header
// answered by the pods; two hosts and paths to two Services; scale to 0 → 503, back → 200; the
// app's own host names refused; the same routes through the network agent's dial path.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { ensureAgentImage } from '../../engine/network/agent-image';
import { dockerSkip } from './docker-available';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';
import { answersOn, getHost, httpdApp, kubectlOk } from './testing/ingress-http';
import { startIngressController, type IngressController } from '../../engine/network/ingress/ingress-controller';

const skip = await dockerSkip();
let c: DockerCluster;
let port = 0;

const ok = (args: string[]) => kubectlOk(c, args);
const get = (host: string, path = '/', p = port) => getHost(p, host, path);
const answers = (host: string, path: string, want: RegExp, p = port) => answersOn(p, host, path, want);
const app = (name: string) => httpdApp(c, name);

before(async () => {
  if (skip) return;
  c = await startDockerCluster(`ing${process.pid}`, 'skiff-ing-');
  assert.ok(c.cp.ingressPort, 'the ingress listens');
  port = c.cp.ingressPort!;
  await app('web');
  await app('api');
});

after(async () => {
  if (skip) return;
  await c?.stop();
});

describe('built-in ingress', { skip }, () => {
  test('kubectl create ingress routes web.localhost to the pods; status and class are set', async () => {
    await ok(['create', 'ingress', 'web', '--rule=web.localhost/*=web:80']);
    const r = await answers('web.localhost', '/', /^web web-/);
    assert.match(r.body, /^web web-[a-z0-9]+-[a-z0-9]+$/);
    const cls0 = await ok(['get', 'ingress', 'web', '-o', 'jsonpath={.spec.ingressClassName}']);
    assert.equal(cls0, 'skiff', 'the default IngressClass is filled in');
    await waitFor('ingress address', async () => /127\.0\.0\.1/.test(await ok(['get', 'ingress', 'web'])), 10_000);
    const cls = await ok(['get', 'ingressclass', 'skiff', '-o', 'jsonpath={.metadata.annotations}']);
    assert.match(cls, /"ingressclass.kubernetes.io\/is-default-class":"true"/);
  });

  test('two hosts and two paths reach two Services', async () => {
    await ok([
      'create',
      'ingress',
      'two',
      '--rule=api.localhost/*=api:80',
      '--rule=both.localhost/api*=api:80',
      '--rule=both.localhost/*=web:80',
    ]);
    await answers('api.localhost', '/', /^api api-/);
    await answers('both.localhost', '/api/', /^api api-/);
    await answers('both.localhost', '/', /^web web-/);
    assert.equal((await get('nothing.localhost')).status, 404);
  });

  test('scaled to 0 the Ingress answers 503 with a clear body; back to 1 it recovers', async () => {
    await ok(['scale', 'deployment', 'web', '--replicas=0']);
    const down = await waitFor(
      '503',
      async () => {
        const r = await get('web.localhost');
        return r.status === 503 && r;
      },
      60_000,
      100,
    );
    assert.match(down.body, /Service default\/web:80 has no ready endpoints \(Ingress default\/web\)/);
    await ok(['scale', 'deployment', 'web', '--replicas=1']);
    await answers('web.localhost', '/', /^web web-/);
  });

  test('a Host of skiff-x.localhost is refused even by a catch-all rule', async () => {
    await ok(['create', 'ingress', 'catchall', '--rule=/*=web:80']);
    await answers('anything.example', '/', /^web web-/);
    const r = await get('skiff-x.localhost');
    assert.equal(r.status, 421);
    assert.match(r.body, /belongs to the Skiff app/);
  });

  test("HTTPS: https://web.localhost verifies against the cluster's localhost CA and answers from the pod", async () => {
    const tlsPort = await c.cp.ingress!.tlsListening;
    assert.ok(tlsPort, 'the HTTPS listener is up');
    const ca = readFileSync(join(c.dir, `ing${process.pid}`, 'pki', 'localhost-ca.crt'), 'utf8');
    const body = await new Promise<string>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: tlsPort, servername: 'web.localhost', ca }, () => {
        s.write('GET / HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n');
      });
      let got = '';
      s.on('data', (d) => (got += String(d)));
      s.on('end', () => resolve(got));
      s.on('error', reject);
    });
    assert.match(body, /^HTTP\/1.1 200/);
    assert.match(body, /web web-/);
  });

  test('a WebSocket-style upgrade reaches a node pod and echoes both ways', async () => {
    const image = await ensureAgentImage(new Docker());
    const server =
      "require('http').createServer((q,r)=>r.end('plain')).on('upgrade',(q,s)=>{s.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n\\r\\n');s.on('data',d=>s.write('echo:'+d))}).listen(80)";
    await ok(['create', 'deployment', 'ws', `--image=${image}`, '--port=80', '--', 'node', '-e', server]);
    await ok(['expose', 'deployment', 'ws', '--port=80']);
    await ok(['create', 'ingress', 'ws', '--rule=ws.localhost/*=ws:80']);
    await answers('ws.localhost', '/', /^plain$/);
    const got = await new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => {
        s.write(
          'GET /chat HTTP/1.1\r\nHost: ws.localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        );
      });
      let buf = '';
      s.on('data', (d) => {
        buf += String(d);
        if (buf.includes('\r\n\r\n') && !buf.includes('echo:')) s.write('ping');
        if (buf.includes('echo:ping')) {
          s.destroy();
          resolve(buf);
        }
      });
      s.on('error', reject);
      s.setTimeout(10_000, () => s.destroy(new Error(`no echo: ${buf}`)));
    });
    assert.match(got, /^HTTP\/1.1 101 Switching Protocols/);
    assert.match(got, /echo:ping$/);
  });

  test('the same routes work through the network agent (hosts that cannot reach pod IPs)', async () => {
    await c.cp.network!.ready();
    let viaAgent: IngressController | undefined;
    try {
      viaAgent = startIngressController({
        client: c.cp.client!,
        httpPort: 0,
        dialMode: 'agent',
        agentDial: (ip, p) => c.cp.network!.dial(ip, p),
      });
      const p = await viaAgent.listening;
      await answers('api.localhost', '/', /^api api-/, p);
      await answers('both.localhost', '/', /^web web-/, p);
      // Requests spread over the ready pods through the agent too.
      await ok(['scale', 'deployment', 'api', '--replicas=2']);
      await waitFor(
        'both api pods answering through the agent',
        async () => {
          const names = new Set<string>();
          for (let i = 0; i < 8; i++) {
            const r = await get('api.localhost', '/', p).catch(() => undefined);
            if (r?.status === 200) names.add(r.body);
          }
          return names.size === 2;
        },
        60_000,
        200,
      );
    } finally {
      await viaAgent?.stop();
    }
  });
});
