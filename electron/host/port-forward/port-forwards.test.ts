// Port-forwards against a real Skiff API server whose node streams dial local TCP servers (the
// simulated kubelet runs nothing): bytes both ways, concurrency, named ports, services (and a
// service whose pod went away), the error channel, a taken local port, bad input, stop.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { request as httpsRequest } from 'node:https';
import net from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../engine/kinds/types';
import type { NodeStreams } from '../../../engine/client/node-streams';
import { createEventHub } from '../http/event-hub';
import { HostHttpError } from '../http/http-util';
import { createKubeTargets, upstreamPath } from '../proxy/kube-target';
import { createPortForwards, type PortForwards } from './port-forwards';
import type { HostEvent, PortForward } from '../protocol';
import { startTestApiServer, type TestApiServer } from '../testing/test-api-server';

const BIG = Buffer.alloc(1024 * 1024, 'y');
let api: TestApiServer;
let web: http.Server;
let forwards: PortForwards;
const targets = createKubeTargets();
const events: HostEvent[] = [];
let kc: KubeConfig;

function fakeNode(httpPort: number): NodeStreams {
  const no = () => Promise.reject(new Error('not in this test'));
  return {
    logs: no,
    exec: no,
    attach: no,
    // Port 80 of any pod is the local web server; any other port refuses.
    portForward: (_pod: KubeObject, port: number) =>
      new Promise((resolve, reject) => {
        const s = net.connect(port === 80 ? httpPort : 1, '127.0.0.1');
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      }),
  };
}

async function kube(method: string, path: string, body?: unknown, type = 'application/json'): Promise<{ status: number; body: any }> {
  const t = await targets.resolve(kc);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        ...t.options,
        hostname: t.server.hostname,
        port: t.server.port,
        method,
        path: upstreamPath(t.server, path, ''),
        headers: { ...t.headers, 'content-type': type, accept: 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function runningPod(name: string, labels: Record<string, string>): Promise<void> {
  const created = await kube('POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { nodeName: 'node-x', containers: [{ name: 'web', image: 'busybox', ports: [{ name: 'http', containerPort: 80 }] }] },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const patched = await kube(
    'PATCH',
    `/api/v1/namespaces/default/pods/${name}/status`,
    { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
    'application/merge-patch+json',
  );
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
}

async function setEndpoints(pods: string[]): Promise<void> {
  const body = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default' },
    subsets: [
      {
        addresses: pods.map((p, i) => ({ ip: `10.0.0.${i + 1}`, targetRef: { kind: 'Pod', name: p, namespace: 'default' } })),
        ports: [{ port: 80 }],
      },
    ],
  };
  const cur = await kube('GET', '/api/v1/namespaces/default/endpoints/web');
  const r =
    cur.status === 200
      ? await kube('PUT', '/api/v1/namespaces/default/endpoints/web', {
          ...body,
          metadata: { ...body.metadata, resourceVersion: cur.body.metadata.resourceVersion },
        })
      : await kube('POST', '/api/v1/namespaces/default/endpoints', body);
  assert.ok(r.status === 200 || r.status === 201, JSON.stringify(r.body));
}

before(async () => {
  web = http.createServer((req, res) => (req.url === '/big' ? res.end(BIG) : res.end(`hello ${req.url}`)));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  api = await startTestApiServer('pf');
  api.server.core.nodeStreams.set('node-x', fakeNode((web.address() as net.AddressInfo).port));
  kc = new KubeConfig();
  kc.loadFromString(api.kubeconfigYaml);
  await runningPod('web', { app: 'web' });
  const pending = await kube('POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'pending', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  });
  assert.equal(pending.status, 201);
  const svc = await kube('POST', '/api/v1/namespaces/default/services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'web', port: 8080, targetPort: 'http' }] },
  });
  assert.equal(svc.status, 201, JSON.stringify(svc.body));
  await setEndpoints(['web']);
  const hub = createEventHub();
  hub.subscribe((e) => events.push(e));
  forwards = createPortForwards({
    profiles: { get: (n) => (n === 'pf' ? { name: 'pf', kubeConfig: () => kc } : undefined), list: () => [] },
    hub,
    targets,
  });
});

after(async () => {
  await forwards?.close();
  targets.close();
  await api?.close();
  web?.closeAllConnections();
  web?.close();
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

const refused = (port: number) =>
  new Promise<string>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });

async function rejects(p: Promise<unknown>, status: number, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof HostHttpError, String(e));
    assert.equal(e.status, status, e.message);
    assert.match(e.message, message);
    assert.ok(e.hint, 'a hint says what to do');
    return true;
  });
}

test('a pod forward carries bytes both ways, 5 concurrent connections and 1 MiB; stop closes the port', async () => {
  const f = await forwards.start({ profile: 'pf', namespace: 'default', kind: 'pod', name: 'web', remotePort: 80 });
  assert.equal(f.pod, 'web');
  assert.equal(f.podPort, 80);
  assert.equal(f.url, `http://127.0.0.1:${f.localPort}`);
  assert.equal(f.state, 'active');
  const one = await get(f.localPort, '/first');
  assert.equal(one.body.toString(), 'hello /first');
  const many = await Promise.all(Array.from({ length: 5 }, (_, i) => get(f.localPort, `/c${i}`)));
  many.forEach((r, i) => assert.equal(r.body.toString(), `hello /c${i}`));
  const big = await get(f.localPort, '/big');
  assert.ok(big.body.equals(BIG), `got ${big.body.length} bytes`);
  assert.ok(forwards.list().some((x) => x.id === f.id));
  const last = events.filter((e) => e.type === 'port-forwards').at(-1) as { forwards: PortForward[] };
  assert.ok(
    last.forwards.some((x) => x.id === f.id),
    'a port-forwards event lists it',
  );

  await forwards.stop(f.id);
  assert.equal(await refused(f.localPort), 'ECONNREFUSED');
  assert.ok(!forwards.list().some((x) => x.id === f.id));
  await rejects(forwards.stop(f.id), 404, /does not exist/);
});

test('a named container port, and a chosen local port', async () => {
  const free = await new Promise<number>((r) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => r(p));
    });
  });
  const f = await forwards.start({ profile: 'pf', namespace: 'default', kind: 'pod', name: 'web', remotePort: 'http', localPort: free });
  assert.equal(f.localPort, free);
  assert.equal(f.podPort, 80);
  assert.equal((await get(free, '/named')).body.toString(), 'hello /named');
  // The same port again: taken, with a clear message.
  await rejects(
    forwards.start({ profile: 'pf', namespace: 'default', kind: 'pod', name: 'web', remotePort: 80, localPort: free }),
    409,
    /already in use/,
  );
  await forwards.stop(f.id);
});

test('a service forward goes to its targetPort on a ready pod, and finds another pod when that one is gone', async () => {
  const f = await forwards.start({ profile: 'pf', namespace: 'default', kind: 'service', name: 'web', remotePort: 8080 });
  assert.equal(f.pod, 'web');
  assert.equal(f.podPort, 80);
  assert.equal((await get(f.localPort, '/svc')).body.toString(), 'hello /svc');

  await runningPod('web2', { app: 'web' });
  await setEndpoints(['web2']);
  const del = await kube('DELETE', '/api/v1/namespaces/default/pods/web?gracePeriodSeconds=0');
  assert.equal(del.status, 200);
  assert.equal((await get(f.localPort, '/after')).body.toString(), 'hello /after');
  assert.equal(forwards.list().find((x) => x.id === f.id)?.pod, 'web2');
  await forwards.stop(f.id);
  await runningPod('web', { app: 'web' });
  await setEndpoints(['web']);
});

test('an error on the error channel closes that connection and is recorded; the forward stays', async () => {
  const f = await forwards.start({ profile: 'pf', namespace: 'default', kind: 'pod', name: 'web', remotePort: 81 });
  await new Promise<void>((resolve) => {
    const s = net.connect(f.localPort, '127.0.0.1', () => s.write('GET / HTTP/1.0\r\n\r\n'));
    s.on('close', () => resolve());
    s.on('error', () => {});
    s.resume();
  });
  const now = forwards.list().find((x) => x.id === f.id)!;
  assert.match(now.error ?? '', /error forwarding port 81 to pod .*ECONNREFUSED/);
  assert.equal(now.state, 'active');
  await forwards.stop(f.id);
});

test('a connection that works again clears the recorded error', async () => {
  const f = await forwards.start({ profile: 'pf', namespace: 'default', kind: 'service', name: 'web', remotePort: 8080 });
  const del = await kube('DELETE', '/api/v1/namespaces/default/endpoints/web');
  assert.equal(del.status, 200);
  for (const pod of ['web', 'web2']) await kube('DELETE', `/api/v1/namespaces/default/pods/${pod}?gracePeriodSeconds=0`);
  // The pods are gone and the service has nothing else: the connection fails, and says why.
  await assert.rejects(get(f.localPort, '/gone'));
  assert.match(forwards.list().find((x) => x.id === f.id)?.error ?? '', /no running pod behind it|not found/);
  await runningPod('web', { app: 'web' });
  await setEndpoints(['web']);
  assert.equal((await get(f.localPort, '/back')).body.toString(), 'hello /back');
  assert.equal(forwards.list().find((x) => x.id === f.id)?.error, undefined);
  await forwards.stop(f.id);
});

test('bad requests get clear errors', async () => {
  const base = { profile: 'pf', namespace: 'default', kind: 'pod', name: 'web', remotePort: 80 };
  await rejects(forwards.start(undefined), 400, /JSON object/);
  await rejects(forwards.start({ ...base, kind: 'deployment' }), 400, /"kind" must be "pod" or "service"/);
  await rejects(forwards.start({ ...base, remotePort: 70000 }), 400, /out of range/);
  await rejects(forwards.start({ ...base, localPort: -3 }), 400, /not a port number/);
  await rejects(forwards.start({ ...base, profile: 'nope' }), 404, /profile "nope" does not exist/);
  await rejects(forwards.start({ ...base, name: 'ghost' }), 404, /pod "ghost" not found/);
  await rejects(forwards.start({ ...base, name: 'pending' }), 409, /not running \(phase Pending\)/);
  await rejects(forwards.start({ ...base, remotePort: 'metrics' }), 400, /no TCP port named "metrics"/);
  await rejects(forwards.start({ ...base, kind: 'service', remotePort: 9999 }), 400, /service "web" has no TCP port 9999/);
});
