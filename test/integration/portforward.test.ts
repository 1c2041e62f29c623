// Port-forward through the API server to a fake node whose NodeStreams.portForward dials a local
// HTTP server: real kubectl (SPDY for 1.27, SPDY-in-WebSocket for 1.33), svc/ forwarding,
// concurrency, a refused port, and client-node's WebSocket channel protocol.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import type { NodeStreams } from '../../engine/client/node-streams';
import { startApiFixture, type ApiFixture } from './api-fixture';
import { kubectlPath, kubectlVersions, run, spawnCollect } from './harness';

const BIG = Buffer.alloc(1024 * 1024, 'x');
let f: ApiFixture;
let web: http.Server;
let kubeconfig: string;
const dialled: number[] = [];

function fakeNode(httpPort: number): NodeStreams {
  const unsupported = () => Promise.reject(new Error('not in this test'));
  return {
    logs: unsupported,
    exec: unsupported,
    attach: unsupported,
    // Pod port 80 is the local HTTP server; any other port has nothing listening.
    portForward: (_pod, port) =>
      new Promise((resolve, reject) => {
        dialled.push(port);
        const s = net.connect(port === 80 ? httpPort : 1, '127.0.0.1');
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      }),
  };
}

const env = () => ({ KUBECONFIG: kubeconfig, HOME: f.dir });
const kubectl = (args: string[], version?: string) => run(kubectlPath(version), args, { env: env() });

before(async () => {
  web = http.createServer((req, res) => {
    if (req.url === '/big') return void res.end(BIG);
    res.end(`hello from pod ${req.url}`);
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  f = await startApiFixture();
  kubeconfig = join(f.dir, 'kubeconfig');
  writeFileSync(kubeconfig, f.kubeconfigYaml);
  f.server.core.nodeStreams.set('node-x', fakeNode((web.address() as net.AddressInfo).port));
  const manifest = (name: string, labels: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default, labels: {${labels}}}
spec:
  nodeName: node-x
  containers: [{name: web, image: busybox, ports: [{containerPort: 80, name: http}]}]
`;
  const svc = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{port: 8080, targetPort: http}]
`;
  writeFileSync(join(f.dir, 'objs.yaml'), [manifest('web', 'app: web'), manifest('pending', 'app: other'), svc].join('---\n'));
  const applied = await kubectl(['apply', '-f', join(f.dir, 'objs.yaml')]);
  assert.equal(applied.code, 0, applied.stderr);
  const patched = await kubectl(['patch', 'pod', 'web', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running"}}']);
  assert.equal(patched.code, 0, patched.stderr);
});

after(async () => {
  await f?.close();
  web?.closeAllConnections();
  await new Promise((r) => web?.close(r));
});

function get(port: number, path = '/'): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

/** Starts `kubectl port-forward target :port` and returns the local port it listens on. */
async function portForward(target: string, remotePort: number, version?: string) {
  // -v=4 shows whether kubectl 1.31+ had to fall back from the WebSocket tunnel to plain SPDY.
  const pf = spawnCollect(kubectlPath(version), ['port-forward', target, `:${remotePort}`, '-v=4'], env());
  await pf.waitFor(/Forwarding from 127\.0\.0\.1:\d+/, 15_000);
  const local = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(pf.output())![1]);
  return { pf, local };
}

for (const version of kubectlVersions) {
  test(`kubectl ${version} port-forward pod: single, big and 20 concurrent connections`, async () => {
    const { pf, local } = await portForward('pod/web', 80, version);
    try {
      const one = await get(local, '/first');
      assert.equal(one.status, 200);
      assert.equal(one.body.toString(), 'hello from pod /first');
      const big = await get(local, '/big');
      assert.equal(big.body.length, BIG.length);
      assert.ok(big.body.equals(BIG));
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => get(local, `/c${i}`)));
      many.forEach((r, i) => assert.equal(r.body.toString(), `hello from pod /c${i}`));
      assert.doesNotMatch(pf.output(), /fallback to secondary dialer/);
    } finally {
      pf.stop();
    }
  });
}

test('kubectl port-forward svc/web resolves the service to its pod and target port', async () => {
  dialled.length = 0;
  const { pf, local } = await portForward('svc/web', 8080);
  try {
    assert.match(pf.output(), /-> 80/);
    const r = await get(local, '/via-svc');
    assert.equal(r.body.toString(), 'hello from pod /via-svc');
    assert.deepEqual(dialled, [80]);
  } finally {
    pf.stop();
  }
});

test('a refused port is reported on the error stream', async () => {
  const { pf, local } = await portForward('pod/web', 81);
  try {
    await new Promise<void>((resolve) => {
      const s = net.connect(local, '127.0.0.1');
      s.on('error', () => resolve());
      s.on('close', () => resolve());
      s.resume();
    });
    await pf.waitFor(/error forwarding port 81 to pod .*ECONNREFUSED/, 10_000);
  } finally {
    pf.stop();
  }
});

test('port-forward into a pod that is not running is refused with 400', async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(f.kubeconfigYaml);
  const pf = new k8s.PortForward(kc);
  const err = await pf.portForward('default', 'pending', [80], new PassThrough(), new PassThrough(), new PassThrough()).then(
    () => undefined,
    (e) => e,
  );
  // client-node surfaces the failed handshake as an ErrorEvent naming the status.
  assert.match(String(err?.message), /Unexpected server response: 400/);
});

test('client-node PortForward speaks WebSocket channels', async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(f.kubeconfigYaml);
  const chunks: Buffer[] = [];
  const output = new Writable({ write: (c, _e, cb) => void (chunks.push(c), cb()) });
  const input = new PassThrough();
  const pf = new k8s.PortForward(kc);
  const ws = (await pf.portForward('default', 'web', [80], output, new PassThrough(), input)) as { close(): void };
  input.write('GET /from-client-node HTTP/1.0\r\n\r\n');
  const start = Date.now();
  while (!Buffer.concat(chunks).toString().includes('hello from pod /from-client-node')) {
    if (Date.now() - start > 10_000) throw new Error(`no response; got ${Buffer.concat(chunks).toString()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(Buffer.concat(chunks).toString(), /^HTTP\/1\.1 200 OK/);
  ws.close();
});
