// The proxy against real HTTP backends on 127.0.0.1 (a route table made by hand).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createIngressProxy, type IngressProxy } from './ingress-proxy';
import { createBackendDialer } from './backend-dialer';
import type { Backend, RouteTable } from './route-table';

interface Seen {
  headers: IncomingHttpHeaders;
  remotePort: number;
}
const seen: Seen[] = [];
let backends: Server[] = [];
let proxy: IngressProxy;
let port = 0;
const table: RouteTable = { hosts: new Map(), wildcards: new Map(), any: [] };

function backendServer(name: string): Promise<Server> {
  const s = createServer((req, res) => {
    seen.push({ headers: req.headers, remotePort: req.socket.remotePort! });
    req.resume();
    req.on('end', () => res.end(`${name} ${req.method} ${req.url}`));
  });
  // A WebSocket-style upgrade: answer 101, then echo bytes upper-cased.
  s.on('upgrade', (req, sock) => {
    sock.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    sock.on('data', (d) => sock.write(String(d).toUpperCase()));
    sock.on('end', () => sock.end());
  });
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}

const portOf = (s: Server) => (s.address() as AddressInfo).port;
const backendOf = (id: string, servers: Server[]): Backend => ({
  id,
  endpoints: servers.map((s) => ({ ip: '127.0.0.1', port: portOf(s) })),
});

before(async () => {
  backends = [await backendServer('one'), await backendServer('two')];
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const deadPort = portOf(closed);
  closed.close();
  table.hosts.set('web.localhost', [{ path: '/', exact: false, backend: backendOf('default/web:80', backends), ingress: 'default/web' }]);
  table.hosts.set('empty.localhost', [
    { path: '/', exact: false, backend: { id: 'default/empty:80', endpoints: [] }, ingress: 'default/e' },
  ]);
  table.hosts.set('dead.localhost', [
    { path: '/', exact: false, backend: { id: 'default/dead:80', endpoints: [{ ip: '127.0.0.1', port: deadPort }] }, ingress: 'default/d' },
  ]);
  table.any.push({ path: '/any', exact: true, backend: backendOf('default/any:80', [backends[1]]), ingress: 'default/any' });
  proxy = createIngressProxy({ table: () => table, dialer: createBackendDialer({ mode: 'direct', log: () => {} }), log: () => {} });
  await new Promise<void>((r) => proxy.server.listen(0, '127.0.0.1', () => r()));
  port = portOf(proxy.server);
});

after(() => {
  proxy.close();
  for (const b of backends) b.close();
});

function get(host: string, path = '/', agent: Agent | false = false, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; headers: IncomingHttpHeaders }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { Host: host, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('routes by host and path, spreading requests over the endpoints round-robin', async () => {
  const bodies = [];
  for (let i = 0; i < 4; i++) bodies.push((await get('web.localhost:8080', '/a?b=1')).body);
  assert.deepEqual(bodies.sort(), ['one GET /a?b=1', 'one GET /a?b=1', 'two GET /a?b=1', 'two GET /a?b=1']);
  assert.equal((await get('whatever.localhost', '/any')).body, 'two GET /any');
});

test('sets X-Forwarded-* from the connection, not from what the client claims', async () => {
  seen.length = 0;
  await get('web.localhost', '/', false, { 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Proto': 'https' });
  const h = seen[0].headers;
  assert.equal(h['x-forwarded-for'], '127.0.0.1');
  assert.equal(h['x-forwarded-proto'], 'http');
  assert.equal(h['x-forwarded-host'], 'web.localhost');
  assert.equal(h['x-forwarded-port'], String(port));
  assert.equal(h.host, 'web.localhost', 'the Host header reaches the backend unchanged');
});

test('keeps connections alive on both sides', async () => {
  seen.length = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 4; i++) assert.equal((await get('web.localhost', '/', agent)).status, 200);
  agent.destroy();
  const ports = new Set(seen.map((s) => s.remotePort));
  assert.equal(ports.size, 2, `two backends, one kept-alive connection each (saw ${[...ports].join(', ')})`);
});

test('idle kept-alive connections to an endpoint that left are closed; those to live ones stay', async () => {
  const gone = await backendServer('gone');
  gone.keepAliveTimeout = 60_000; // so only the proxy can close it within the test
  const closed = new Promise<string>((r) => gone.once('connection', (s) => s.once('close', () => r('closed'))));
  table.hosts.set('gone.localhost', [{ path: '/', exact: false, backend: backendOf('default/gone:80', [gone]), ingress: 'default/g' }]);
  try {
    assert.equal((await get('gone.localhost')).body, 'gone GET /');
    let kept = 0;
    backends[0].once('connection', (s) => s.once('close', () => kept++));
    assert.equal((await get('web.localhost')).status, 200);
    assert.equal((await get('web.localhost')).status, 200); // one of the two hits backends[0]
    proxy.retain(backendOf('default/web:80', backends).endpoints);
    const timeout = new Promise<string>((r) => setTimeout(() => r('still open'), 3000).unref());
    assert.equal(await Promise.race([closed, timeout]), 'closed');
    assert.equal(kept, 0, 'the connection to a live endpoint stays');
  } finally {
    table.hosts.delete('gone.localhost');
    gone.close();
  }
});

test('answers 404, 503, 502 and 421 with a clear body', async () => {
  const none = await get('nothing.localhost', '/x');
  assert.equal(none.status, 404);
  assert.match(none.body, /No Ingress rule matches host "nothing.localhost" and path "\/x"/);
  const empty = await get('empty.localhost');
  assert.equal(empty.status, 503);
  assert.match(empty.body, /Service default\/empty:80 has no ready endpoints \(Ingress default\/e\)/);
  const dead = await get('dead.localhost');
  assert.equal(dead.status, 502);
  assert.match(dead.body, /cannot reach Service default\/dead:80.*ECONNREFUSED/);
  const app = await get('skiff-app.localhost', '/any');
  assert.equal(app.status, 421);
  assert.match(app.body, /belongs to the Skiff app/);
});

test('passes an Upgrade through and pipes bytes both ways; refuses one for a reserved host', async () => {
  const talk = (host: string) =>
    new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => {
        s.write(`GET /ws HTTP/1.1\r\nHost: ${host}\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n`);
      });
      let got = '';
      s.on('data', (d) => {
        got += String(d);
        if (got.includes('\r\n\r\n') && got.startsWith('HTTP/1.1 101') && !got.includes('HELLO')) s.write('hello');
        if (got.includes('HELLO')) s.end();
      });
      s.on('end', () => resolve(got));
      s.on('close', () => resolve(got));
      s.on('error', reject);
    });
  const ok = await talk('web.localhost');
  assert.match(ok, /^HTTP\/1.1 101/);
  assert.match(ok, /HELLO$/);
  const refused = await talk('skiff-x.localhost');
  assert.match(refused, /^HTTP\/1.1 421/);
});
