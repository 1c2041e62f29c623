// pods/proxy and services/proxy against a real pod (busybox httpd on a Docker node), with
// upstream's id forms (name, name:port, scheme:name:port), link rewriting through `kubectl
// proxy`, RBAC on the subresource (a user with get on services but not services/proxy gets 403)
// and the address rules: an Endpoints naming a Pod whose IP is not the address, or a pod whose
// status claims the host's loopback, is never dialled. A WebSocket app in a pod (node, in the
// network agent's image) is reached through `kubectl proxy` and pods/proxy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import Docker from 'dockerode';
import { WebSocket } from 'ws';
import { ensureAgentImage } from '../../engine/network/agent-image';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE } from './images';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';
import { kubectlPath } from '../integration/harness';

const skip = await dockerSkip();

// Single-quoted for sh, the pod's name spliced in from the environment.
const page = `'<html><body><p>hello from '"$POD"'</p><a href="/next.html">next</a> <img src=/logo.png> <a href="http://example.com/x">out</a></body></html>'`;
const objects = [
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'httpd',
          image: BUSYBOX_IMAGE,
          ports: [{ name: 'http', containerPort: 8080 }],
          command: [
            'sh',
            '-c',
            `mkdir -p /www && echo ${page} > /www/index.html && echo next page > /www/next.html && exec httpd -f -p 8080 -h /www`,
          ],
          env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        },
      ],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'viewer' } },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'read' },
    rules: [{ apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list'] }],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'viewer-read' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' },
    subjects: [{ kind: 'ServiceAccount', name: 'viewer', namespace: 'default' }],
  },
];

const NS = '/api/v1/namespaces/default';

// A WebSocket server without libraries: greets with the path, then echoes (small text frames).
const wsServer = `
const http = require('http');
const crypto = require('crypto');
const frame = (t) => { const b = Buffer.from(t); return Buffer.concat([Buffer.from([0x81, b.length]), b]); };
const s = http.createServer((q, r) => r.end('plain http'));
s.on('upgrade', (req, sock) => {
  const accept = crypto.createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  sock.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: ' + accept + '\\r\\n\\r\\n');
  sock.write(frame('hello ' + req.url));
  sock.on('data', (d) => {
    if ((d[0] & 0x0f) === 8) return sock.end();
    const len = d[1] & 0x7f;
    const mask = d.subarray(2, 6);
    const text = Buffer.from(d.subarray(6, 6 + len).map((x, i) => x ^ mask[i % 4])).toString();
    sock.write(frame('echo: ' + text));
  });
});
s.listen(8081);
`;

/** Runs `kubectl proxy` for the duration of `use`, giving it the local port. */
async function withKubectlProxy<T>(c: DockerCluster, use: (port: number) => Promise<T>): Promise<T> {
  const child = spawn(kubectlPath(), ['proxy', '--port=0'], { env: c.env() });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', (code) => reject(new Error(`kubectl proxy exited ${code}`)));
    });
    return await use(port);
  } finally {
    child.kill();
  }
}

describe('proxy subresources on a Docker node', { skip }, () => {
  let c: DockerCluster;
  let podIP = '';
  before(async () => {
    c = await startDockerCluster(`px${process.pid}`, 'skiff-proxy-');
    const r = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
    assert.equal(r.code, 0, r.stderr);
    podIP = await waitFor(
      'web pod Running with an endpoint',
      async () => {
        const pod = (await c.podJSON('web')) as { status?: { phase?: string; podIP?: string } };
        const eps = JSON.parse((await c.kubectl(['get', 'endpoints', 'web', '-o', 'json'])).stdout || '{}') as {
          subsets?: Array<{ addresses?: unknown[] }>;
        };
        return pod.status?.phase === 'Running' && !!eps.subsets?.[0]?.addresses?.length && pod.status.podIP;
      },
      90_000,
    );
  });
  after(() => c?.stop());

  const raw = (path: string, extra: string[] = []) => c.kubectl(['get', '--raw', path, ...extra]);

  test('pods/proxy by name (first container port), name:port and scheme:name:port, with links rewritten', async () => {
    const root = await raw(`${NS}/pods/web/proxy/`);
    assert.equal(root.code, 0, root.stderr);
    assert.match(root.stdout, /hello from web/);
    assert.match(root.stdout, new RegExp(`href="${NS}/pods/web/proxy/next.html"`));
    assert.match(root.stdout, new RegExp(`src="${NS}/pods/web/proxy/logo.png"`));
    assert.match(root.stdout, /href="http:\/\/example.com\/x"/, 'another host is left alone');
    for (const id of ['web:8080', 'http:web:8080', 'web:http']) {
      const r = await raw(`${NS}/pods/${id}/proxy/next.html`);
      assert.equal(r.stdout.trim(), 'next page', `${id}: ${r.stderr}`);
    }
    const bad = await raw(`${NS}/pods/ftp:web:8080/proxy/`);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid pod request "ftp:web:8080"/);
    const refused = await raw(`${NS}/pods/web:9/proxy/`);
    assert.match(refused.stderr, /ServiceUnavailable|error trying to reach service/);
  });

  test('services/proxy by port number and by port name; an unnamed port does not match a named one', async () => {
    for (const id of ['http:web:80', 'web:80', 'web:http']) {
      const r = await raw(`${NS}/services/${id}/proxy/`);
      assert.equal(r.code, 0, `${id}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`href="${NS}/services/${id}/proxy/next.html"`));
    }
    const none = await raw(`${NS}/services/web/proxy/`);
    assert.match(none.stderr, /no endpoints available for service "web"/);
    const noPort = await raw(`${NS}/services/web:81/proxy/`);
    assert.match(noPort.stderr, /no service port 81 found for service "web"/);
  });

  test('kubectl proxy serves the Service to a browser-like client, links pointing back through it', async () => {
    await withKubectlProxy(c, async (port) => {
      const get = (path: string) =>
        new Promise<{ status: number; body: string; location?: string }>((resolve, reject) => {
          request({ host: '127.0.0.1', port, path }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
          })
            .on('error', reject)
            .end();
        });
      const noSlash = await get(`${NS}/services/http:web:80/proxy`);
      assert.equal(noSlash.status, 301);
      assert.equal(noSlash.location, `${NS}/services/http:web:80/proxy/`);
      const home = await get(`${NS}/services/http:web:80/proxy/`);
      assert.equal(home.status, 200);
      const link = /href="([^"]+next.html)"/.exec(home.body)?.[1];
      assert.ok(link, home.body);
      const next = await get(link);
      assert.equal(next.body.trim(), 'next page');
    });
  });

  test('a WebSocket app in a pod through kubectl proxy and pods/proxy', async () => {
    const image = await ensureAgentImage(new Docker());
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'wsd' },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [
          { name: 'ws', image, command: ['node', '-e', wsServer], readinessProbe: { tcpSocket: { port: 8081 }, periodSeconds: 1 } },
        ],
      },
    };
    assert.equal((await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) })).code, 0);
    await waitFor('the WebSocket pod ready', async () => {
      const p = (await c.podJSON('wsd')) as { status?: { conditions?: Array<{ type: string; status: string }> } };
      return p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');
    });
    const got = await withKubectlProxy(c, (port) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${NS}/pods/wsd:8081/proxy/chat?room=1`);
      const messages: string[] = [];
      return new Promise<string[]>((resolve, reject) => {
        ws.on('open', () => ws.send('ping'));
        ws.on('message', (m: Buffer) => {
          messages.push(m.toString());
          if (messages.length === 2) {
            ws.close();
            resolve(messages);
          }
        });
        ws.on('error', reject);
        ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      });
    });
    assert.deepEqual(got, ['hello /chat?room=1', 'echo: ping']);
  });

  test('RBAC: get on services is not services/proxy (403); granting services/proxy lets the same user through', async () => {
    const as = ['--as=system:serviceaccount:default:viewer'];
    assert.equal((await c.kubectl(['get', 'svc', 'web', ...as])).code, 0, 'the user may read the Service');
    const denied = await raw(`${NS}/services/web:80/proxy/`, as);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /Forbidden/);
    assert.match(denied.stderr, /cannot get resource "services\/proxy"/);
    const podDenied = await raw(`${NS}/pods/web/proxy/`, as);
    assert.match(podDenied.stderr, /cannot get resource "pods\/proxy"/);
    const grant = await c.kubectl(['create', 'role', 'proxy', '--verb=get', '--resource=services/proxy']);
    assert.equal(grant.code, 0, grant.stderr);
    await c.kubectl(['create', 'rolebinding', 'viewer-proxy', '--role=proxy', '--serviceaccount=default:viewer']);
    const allowed = await waitFor('services/proxy granted', async () => {
      const r = await raw(`${NS}/services/web:80/proxy/next.html`, as);
      return r.code === 0 && r.stdout;
    });
    assert.equal(allowed.trim(), 'next page');
  });

  test("address rules: an endpoint that is not its Pod's IP and a pod claiming loopback are never dialled", async () => {
    const gateway = podIP.replace(/\.\d+$/, '.1'); // the host, on the cluster bridge
    const evil = [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'evil' }, spec: { ports: [{ port: 80 }] } },
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'evil' },
        subsets: [
          {
            addresses: [{ ip: gateway, targetRef: { kind: 'Pod', name: 'web', namespace: 'default' } }, { ip: podIP }],
            ports: [{ port: 8080 }],
          },
        ],
      },
    ];
    const r = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: evil }) });
    assert.equal(r.code, 0, r.stderr);
    const viaEvil = await raw(`${NS}/services/evil:80/proxy/`);
    assert.notEqual(viaEvil.code, 0);
    assert.match(viaEvil.stderr, /no endpoints available for service "evil:80"/);

    const ghost = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ghost' },
      spec: { nodeName: 'nowhere', containers: [{ name: 'c', image: BUSYBOX_IMAGE }] },
    };
    assert.equal((await c.kubectl(['create', '-f', '-'], { input: JSON.stringify(ghost) })).code, 0);
    const patch = JSON.stringify({ status: { podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }] } });
    const p = await c.kubectl(['patch', 'pod', 'ghost', '--subresource=status', '--type=merge', '-p', patch]);
    assert.equal(p.code, 0, p.stderr);
    const loop = await raw(`${NS}/pods/ghost:8080/proxy/`);
    assert.notEqual(loop.code, 0);
    assert.match(loop.stderr, /address not allowed/);
  });
});
