import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { PassThrough, Transform, type Duplex } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { WebSocket } from 'ws';
import type { NodeStreams } from '../../../engine/client/node-streams';
import { createKubeProxy } from './kube-proxy';
import type { Profile, ProfileRegistry } from '../profiles/profiles';
import { startHostServer, type HostServer } from '../http/server';
import { createSession } from '../http/session';

const session = createSession();
const sessionProto = `skiff-session.${session.secret}`;
import { sendJson } from '../http/http-util';
import { startTestApiServer, type TestApiServer } from '../testing/test-api-server';
import { httpGet } from '../testing/test-http';

let api: TestApiServer;
let host: HostServer;
let fake: Server;
let deadPort: number;
let headers: Record<string, string>;
const fakeRequests: Array<{ req: IncomingMessage; closed: Promise<void> }> = [];
const fakeUpgradeProtocols: string[] = [];
const fakeUpgradeSockets: Duplex[] = [];
const logStreams: PassThrough[] = [];

const kcFrom = (yaml: string) => () => {
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  return kc;
};
const kubeconfig = (server: string, user: Record<string, string>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'c',
    clusters: [{ name: 'c', cluster: { server, ...extra } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
  });

const nodeStreams: NodeStreams = {
  logs: async () => {
    const s = new PassThrough();
    logStreams.push(s);
    s.write('first line\n');
    return s;
  },
  exec: async (_pod, _container, opts) => {
    const stdin = new PassThrough();
    const stdout = stdin.pipe(new Transform({ transform: (c, _e, cb) => cb(null, String(c).toUpperCase()) }));
    const exitCode = new Promise<number>((resolve) => stdin.on('end', () => resolve(0)));
    return { stdin: opts.stdin ? stdin : undefined, stdout, resize: () => {}, exitCode, close: () => stdin.end() };
  },
  attach: async () => {
    throw new Error('no attach here');
  },
  portForward: async () => {
    throw new Error('no port-forward here');
  },
};

before(async () => {
  api = await startTestApiServer();
  api.server.core.nodeStreams.set('node-x', nodeStreams);

  // A plain-HTTP "API server" that records what reaches it and keeps watches open.
  fake = createServer((req, res) => {
    const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
    fakeRequests.push({ req, closed });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Set-Cookie': 'upstream=1' });
    res.write(JSON.stringify({ type: 'ADDED', object: { kind: 'Pod' } }) + '\n');
  });
  // A remote cluster whose exec upgrade tries to set a cookie on the app's origin.
  fake.on('upgrade', (req: IncomingMessage, socket) => {
    fakeUpgradeProtocols.push(String(req.headers['sec-websocket-protocol']));
    fakeUpgradeSockets.push(socket);
    const key = String(req.headers['sec-websocket-key']);
    const accept = createHash('sha1')
      .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\nSet-Cookie: remote=1; Path=/\r\n\r\n`,
    );
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const fakePort = (fake.address() as { port: number }).port;

  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  deadPort = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));

  const profiles: Record<string, Profile> = {
    fixture: { name: 'fixture', kubeConfig: kcFrom(api.kubeconfigYaml) },
    plain: {
      name: 'plain',
      kubeConfig: kcFrom(kubeconfig(`http://127.0.0.1:${fakePort}`, { token: 'tok-123' }, { 'insecure-skip-tls-verify': true })),
    },
    dead: {
      name: 'dead',
      kubeConfig: kcFrom(kubeconfig(`https://127.0.0.1:${deadPort}`, { token: 'x' }, { 'insecure-skip-tls-verify': true })),
    },
  };
  const registry: ProfileRegistry = { get: (n) => profiles[n], list: () => [] };
  host = await startHostServer({
    staticDir: api.dir,
    session,
    api: { handle: (_req, res) => sendJson(res, 404, {}) },
    kubeProxy: createKubeProxy({ profiles: registry }),
  });
  headers = { cookie: `skiff_session=${session.cookieValue}`, origin: `http://127.0.0.1:${host.port}`, 'x-skiff-session': session.secret };
});

after(async () => {
  await host?.close();
  fake?.closeAllConnections();
  await new Promise<void>((r) => (fake ? fake.close(() => r()) : r()));
  await api?.close();
});

const k8s = (path: string, method = 'GET', body?: unknown) =>
  httpGet(
    host.port,
    `/k8s/fixture${path}`,
    { ...headers, accept: 'application/json', 'content-type': 'application/json' },
    method,
    body === undefined ? undefined : JSON.stringify(body),
  );

/** Opens a streaming GET through the proxy; resolves once the headers are in. */
function openStream(path: string): Promise<{ res: IncomingMessage; next(re: RegExp, ms?: number): Promise<string>; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, headers: { ...headers, host: `127.0.0.1:${host.port}` }, agent: false },
      (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (buf += d));
        resolve({
          res,
          next: async (re, ms = 5000) => {
            const deadline = Date.now() + ms;
            while (!re.test(buf)) {
              if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; got ${JSON.stringify(buf)}`);
              await new Promise((r) => setTimeout(r, 20));
            }
            return buf;
          },
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('a GET reaches the cluster with the profile credentials', async () => {
  const r = await k8s('/api/v1/namespaces');
  assert.equal(r.status, 200, r.body);
  const names = (JSON.parse(r.body).items as Array<{ metadata: { name: string } }>).map((n) => n.metadata.name);
  assert.ok(names.includes('default'), names.join(','));
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
});

test('a POST body passes through, and the cluster Status errors come back as they are', async () => {
  const created = await k8s('/api/v1/namespaces/default/configmaps', 'POST', { metadata: { name: 'cm1' }, data: { a: '1' } });
  assert.equal(created.status, 201, created.body);
  const dup = await k8s('/api/v1/namespaces/default/configmaps', 'POST', { metadata: { name: 'cm1' } });
  assert.equal(dup.status, 409);
  assert.equal(JSON.parse(dup.body).reason, 'AlreadyExists');
});

test('a watch streams an event that happens after it opened', async () => {
  const w = await openStream('/k8s/fixture/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Dlater');
  try {
    assert.equal(w.res.statusCode, 200);
    await new Promise((r) => setTimeout(r, 200));
    const created = await k8s('/api/v1/namespaces/default/configmaps', 'POST', { metadata: { name: 'later' } });
    assert.equal(created.status, 201, created.body);
    const text = await w.next(/"name":"later"/);
    assert.match(text, /"type":"ADDED"/);
  } finally {
    w.close();
  }
});

test('followed logs stream line by line', async () => {
  const pod = await k8s('/api/v1/namespaces/default/pods', 'POST', {
    metadata: { name: 'p1' },
    spec: { nodeName: 'node-x', containers: [{ name: 'main', image: 'busybox' }] },
  });
  assert.equal(pod.status, 201, pod.body);
  const running = JSON.parse(pod.body);
  running.status = {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'main',
        image: 'busybox',
        imageID: '',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: new Date().toISOString() } },
      },
    ],
  };
  const st = await k8s('/api/v1/namespaces/default/pods/p1/status', 'PUT', running);
  assert.equal(st.status, 200, st.body);
  const logs = await openStream('/k8s/fixture/api/v1/namespaces/default/pods/p1/log?follow=true');
  try {
    await logs.next(/first line\n/);
    logStreams.at(-1)!.write('second line\n');
    await logs.next(/second line\n/);
  } finally {
    logs.close();
  }
});

test('only Accept, Content-Type and the profile credentials are forwarded; closing the browser side aborts upstream', async () => {
  const before = fakeRequests.length;
  const w = await openStream('/k8s/plain/api/v1/pods?watch=1');
  await w.next(/ADDED/);
  const up = fakeRequests[before];
  assert.equal(up.req.url, '/api/v1/pods?watch=1');
  assert.equal(up.req.headers.authorization, 'Bearer tok-123');
  assert.equal(up.req.headers.cookie, undefined);
  assert.equal(up.req.headers.origin, undefined);
  assert.equal(w.res.headers['set-cookie'], undefined, 'the cluster cannot set cookies on the app origin');
  w.close();
  await Promise.race([up.closed, new Promise((_, rej) => setTimeout(() => rej(new Error('upstream request still open')), 3000))]);
});

test('an unknown profile is a 404 Status', async () => {
  const r = await httpGet(host.port, '/k8s/nope/api/v1/pods', headers);
  assert.equal(r.status, 404);
  const s = JSON.parse(r.body);
  assert.equal(s.kind, 'Status');
  assert.equal(s.reason, 'NotFound');
  assert.match(s.message, /profile "nope" not found/);
});

test('an unreachable cluster is a 503 Status naming the server and the error', async () => {
  const r = await httpGet(host.port, '/k8s/dead/api/v1/pods', headers);
  assert.equal(r.status, 503);
  const s = JSON.parse(r.body);
  assert.equal(s.kind, 'Status');
  assert.equal(s.reason, 'ServiceUnavailable');
  assert.equal(s.code, 503);
  assert.ok(s.message.includes(`connection refused at 127.0.0.1:${deadPort}`), s.message);
});

test('exec over WebSocket (v5.channel.k8s.io) upgrades through the proxy both ways', async () => {
  const url = `ws://127.0.0.1:${host.port}/k8s/fixture/api/v1/namespaces/default/pods/p1/exec?command=sh&stdin=true&stdout=true`;
  const ws = new WebSocket(url, ['v5.channel.k8s.io', sessionProto], { headers });
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => {
      assert.equal(ws.protocol, 'v5.channel.k8s.io');
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('ping')]));
    });
    ws.on('message', (data: Buffer) => {
      if (data[0] === 1) got.push(data.subarray(1).toString());
      if (got.join('').includes('PING')) resolve();
    });
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    setTimeout(() => reject(new Error(`no echo; got ${JSON.stringify(got)}`)), 5000);
  });
  ws.close();
  assert.equal(got.join(''), 'PING');
});

test('a refused upgrade relays the cluster Status', async () => {
  const ws = new WebSocket(
    `ws://127.0.0.1:${host.port}/k8s/fixture/api/v1/namespaces/default/pods/missing/exec?command=sh&stdout=true`,
    ['v5.channel.k8s.io', sessionProto],
    { headers },
  );
  const status = await new Promise<{ code: number; body: string }>((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ code: res.statusCode!, body }));
    });
    ws.on('open', () => reject(new Error('upgraded to a missing pod')));
    ws.on('error', () => {});
  });
  assert.equal(status.code, 404);
  assert.equal(JSON.parse(status.body).reason, 'NotFound');
});

test('a remote upgrade answer loses its Set-Cookie, and the session subprotocol never reaches the cluster', async () => {
  const ws = new WebSocket(
    `ws://127.0.0.1:${host.port}/k8s/plain/api/v1/namespaces/default/pods/p/exec?command=sh`,
    ['v5.channel.k8s.io', sessionProto],
    {
      headers,
    },
  );
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    ws.on('upgrade', resolve);
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, r) => reject(new Error(`upgrade refused: ${r.statusCode}`)));
  });
  ws.terminate();
  for (const sock of fakeUpgradeSockets) sock.destroy();
  assert.equal(res.statusCode, 101);
  assert.equal(res.headers['set-cookie'], undefined);
  assert.equal(res.headers['sec-websocket-protocol'], 'v5.channel.k8s.io');
  assert.deepEqual(fakeUpgradeProtocols, ['v5.channel.k8s.io']);
});
