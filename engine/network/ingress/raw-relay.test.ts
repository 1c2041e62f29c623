// The ingress's raw relay (through createIngressProxy, real backends on 127.0.0.1): what it relays
// itself and what it hands to the full proxy, spoken to with raw bytes so the framing is ours.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createIngressProxy, type IngressProxy } from './ingress-proxy';
import { createBackendDialer } from './backend-dialer';
import type { RouteTable } from './route-table';

interface Seen {
  name: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  remotePort: number;
  body: number;
}
const seen: Seen[] = [];
const BIG = 8 * 1024 * 1024;
const servers: Server[] = [];
let proxy: IngressProxy;
let port = 0;
const table: RouteTable = { hosts: new Map(), wildcards: new Map(), any: [] };
const portOf = (s: Server) => (s.address() as AddressInfo).port;

/** A backend: /chunked answers in three written pieces, /close without a length (then closes), others "<name> <method> <url> <body length>". */
async function backend(name: string, o: { close?: boolean } = {}): Promise<Server> {
  const s = createServer((req, res) => {
    let body = 0;
    req.on('data', (d: Buffer) => (body += d.length));
    req.on('end', () => {
      seen.push({ name, method: req.method!, url: req.url!, headers: req.headers, remotePort: req.socket.remotePort!, body });
      if (o.close) res.setHeader('Connection', 'close');
      if (req.url === '/chunked') {
        res.write('one,');
        setTimeout(() => res.write('two,'), 5);
        setTimeout(() => res.end('three'), 10);
      } else if (req.url === '/big') {
        res.setHeader('Content-Length', BIG);
        for (let i = 0; i < BIG / 65536; i++) res.write(Buffer.alloc(65536, 97 + (i % 26)));
        res.end();
      } else if (req.url === '/unframed') {
        // HTTP/1.0-style: no length, the end of the connection ends the body.
        req.socket.end(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n${name} unframed`);
      } else {
        const text = `${name} ${req.method} ${req.url} ${body}`;
        res.setHeader('Content-Length', Buffer.byteLength(text)); // a HEAD answer says it too
        res.end(text);
      }
    });
  });
  s.on('upgrade', (_req, sock: Socket) => {
    sock.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    sock.on('data', (d) => sock.write(String(d).toUpperCase()));
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return s;
}

const rule = (host: string, s: Server) =>
  table.hosts.set(host, [
    { path: '/', exact: false, backend: { id: `default/${host}:80`, endpoints: [{ ip: '127.0.0.1', port: portOf(s) }] }, ingress: host },
  ]);

before(async () => {
  rule('a.localhost', await backend('a'));
  rule('b.localhost', await backend('b'));
  rule('closing.localhost', await backend('closing', { close: true }));
  const gone = createServer();
  await new Promise<void>((r) => gone.listen(0, '127.0.0.1', () => r()));
  rule('dead.localhost', gone); // its port, then nothing listens there
  gone.close();
  proxy = createIngressProxy({ table: () => table, dialer: createBackendDialer({ mode: 'direct', log: () => {} }), log: () => {} });
  await new Promise<void>((r) => proxy.server.listen(0, '127.0.0.1', () => r()));
  port = portOf(proxy.server);
});

after(() => {
  proxy.close();
  for (const s of servers) s.close();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A raw client connection: write bytes, read answers one by one (Content-Length, chunked or to the end). */
function client() {
  const socket = connect(port, '127.0.0.1');
  let data = Buffer.alloc(0);
  let ended = false;
  let wake: (() => void) | undefined;
  socket.on('data', (d: Buffer) => {
    data = Buffer.concat([data, d]);
    wake?.();
  });
  socket.on('end', () => {
    ended = true;
    wake?.();
  });
  const more = () =>
    new Promise<void>((r, no) => {
      if (ended) return no(new Error(`connection ended; unread: ${JSON.stringify(data.toString())}`));
      wake = r;
    });
  async function answer(head = false): Promise<Answer> {
    let end: number;
    while ((end = data.indexOf('\r\n\r\n')) < 0) await more();
    const lines = data.subarray(0, end).toString('latin1').split('\r\n');
    data = data.subarray(end + 4);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
    const status = Number(lines[0].split(' ')[1]);
    let body = '';
    if (head) return { status, headers, body };
    if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      while (data.length < n) await more();
      body = data.subarray(0, n).toString();
      data = data.subarray(n);
    } else if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        let eol: number;
        while ((eol = data.indexOf('\r\n')) < 0) await more();
        const size = parseInt(data.subarray(0, eol).toString(), 16);
        while (data.length < eol + 2 + size + 2) await more();
        body += data.subarray(eol + 2, eol + 2 + size).toString();
        data = data.subarray(eol + 2 + size + 2);
        if (!size) break;
      }
    } else {
      while (!ended) await more().catch(() => {});
      body = data.toString();
      data = Buffer.alloc(0);
    }
    return { status, headers, body };
  }
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  return { socket, answer, closed, write: (s: string | Buffer) => socket.write(s), isEnded: () => ended };
}

const get = (host: string, path = '/') => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;

test('keep-alive requests to two hosts on one client connection reach each backend over one kept connection', async () => {
  const c = client();
  seen.length = 0;
  const bodies = [];
  for (let i = 0; i < 6; i++) {
    c.write(get(i % 2 ? 'b.localhost' : 'a.localhost', `/x${i}`));
    const a = await c.answer();
    assert.equal(a.status, 200);
    assert.equal(a.headers['keep-alive'], undefined, 'the backend’s hop-by-hop headers are dropped');
    assert.equal(a.headers.connection, undefined);
    bodies.push(a.body);
  }
  assert.deepEqual(bodies, ['a GET /x0 0', 'b GET /x1 0', 'a GET /x2 0', 'b GET /x3 0', 'a GET /x4 0', 'b GET /x5 0']);
  const ports = (name: string) => new Set(seen.filter((s) => s.name === name).map((s) => s.remotePort));
  assert.equal(ports('a').size, 1, 'one connection to a, reused');
  assert.equal(ports('b').size, 1, 'one connection to b, reused');
  assert.equal(seen[0].headers['x-forwarded-host'], 'a.localhost');
  assert.equal(seen[0].headers['x-forwarded-proto'], 'http');
  c.socket.destroy();
});

test('a chunked answer is relayed whole, and the next request on the connection is answered after it', async () => {
  const c = client();
  c.write(get('a.localhost', '/chunked'));
  const a = await c.answer();
  assert.equal(a.headers['transfer-encoding'], 'chunked');
  assert.equal(a.body, 'one,two,three');
  c.write(get('b.localhost', '/after'));
  assert.equal((await c.answer()).body, 'b GET /after 0');
  c.socket.destroy();
});

test('pipelined requests are answered in order, a HEAD among them', async () => {
  const c = client();
  c.write(get('a.localhost', '/1') + `HEAD /2 HTTP/1.1\r\nHost: b.localhost\r\n\r\n` + get('a.localhost', '/3'));
  assert.equal((await c.answer()).body, 'a GET /1 0');
  const head = await c.answer(true);
  assert.equal(head.status, 200);
  assert.ok(Number(head.headers['content-length']) > 0, 'a HEAD answer says the length and sends no body');
  assert.equal((await c.answer()).body, 'a GET /3 0');
  c.socket.destroy();
});

test('a request body (Content-Length, larger than a packet) reaches the backend whole', async () => {
  const c = client();
  const body = Buffer.alloc(3 * 1024 * 1024, 'x');
  c.write(`POST /up HTTP/1.1\r\nHost: a.localhost\r\nContent-Length: ${body.length}\r\n\r\n`);
  c.write(body);
  assert.equal((await c.answer()).body, `a POST /up ${body.length}`);
  c.write(get('a.localhost', '/next'));
  assert.equal((await c.answer()).body, 'a GET /next 0');
  c.socket.destroy();
});

test('a large answer reaches a client that reads it slowly, whole, and the connection goes on', async () => {
  const c = client();
  c.socket.pause(); // the proxy must hold back, not buffer without end or drop bytes
  c.write(get('a.localhost', '/big'));
  await new Promise((r) => setTimeout(r, 200));
  c.socket.resume();
  const a = await c.answer();
  assert.equal(a.body.length, BIG);
  assert.equal(a.body.slice(65536 * 27, 65536 * 27 + 3), 'bbb');
  c.write(get('a.localhost', '/small'));
  assert.equal((await c.answer()).body, 'a GET /small 0');
  c.socket.destroy();
});

test('a backend that closes after each answer: the client connection stays usable', async () => {
  const c = client();
  for (let i = 0; i < 3; i++) {
    c.write(get('closing.localhost', `/${i}`));
    const a = await c.answer();
    assert.equal(a.body, `closing GET /${i} 0`);
    assert.equal(a.headers.connection, undefined, 'the backend’s Connection: close is its own');
  }
  assert.equal(c.isEnded(), false);
  c.socket.destroy();
});

test('an answer without a length ends with the connection, and the client is told so', async () => {
  const c = client();
  c.write(get('a.localhost', '/unframed'));
  const a = await c.answer();
  assert.equal(a.headers.connection, 'close');
  assert.equal(a.body, 'a unframed');
  await c.closed;
});

test('a kept connection the backend dropped while idle: the next request is still answered', async () => {
  const c = client();
  c.write(get('a.localhost', '/first'));
  assert.equal((await c.answer()).body, 'a GET /first 0');
  for (const s of servers) s.closeIdleConnections();
  await new Promise((r) => setTimeout(r, 50));
  c.write(get('a.localhost', '/second'));
  assert.equal((await c.answer()).body, 'a GET /second 0');
  c.socket.destroy();
});

test('after plain requests the same connection still upgrades and gets the proxy’s own answers', async () => {
  const c = client();
  c.write(get('a.localhost', '/plain'));
  assert.equal((await c.answer()).body, 'a GET /plain 0');
  c.write(get('nowhere.localhost'));
  const missing = await c.answer();
  assert.equal(missing.status, 404);
  assert.match(missing.body, /No Ingress rule matches host "nowhere.localhost"/);
  c.write(`POST /chunky HTTP/1.1\r\nHost: b.localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`);
  assert.equal((await c.answer()).body, 'b POST /chunky 3');
  c.write(`GET /ws HTTP/1.1\r\nHost: a.localhost\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n`);
  assert.equal((await c.answer(true)).status, 101);
  const echoed = new Promise<string>((r) => c.socket.once('data', (d) => r(String(d))));
  c.write('hello');
  assert.equal(await echoed, 'HELLO');
  c.socket.destroy();
});

test('attack: a lone LF smuggling a second header line is refused, never relayed', async () => {
  seen.length = 0;
  const c = client();
  c.write(`POST / HTTP/1.1\r\nHost: a.localhost\r\nX-A: 1\nContent-Length: 5\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a.localhost\r\n\r\n`);
  const a = await c.answer();
  assert.equal(a.status, 400);
  await c.closed;
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(
    seen.map((s) => s.url),
    [],
    'the backend saw no request',
  );
});

test('attack: two Content-Lengths are refused, never relayed', async () => {
  seen.length = 0;
  const c = client();
  c.write(`POST / HTTP/1.1\r\nHost: a.localhost\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\n`);
  assert.equal((await c.answer()).status, 400);
  await c.closed;
  assert.equal(seen.length, 0);
});

test('a closed listener’s kept-alive connection takes no further request', async () => {
  const extra = createServer();
  proxy.attachPlain(extra);
  await new Promise<void>((r) => extra.listen(0, '127.0.0.1', () => r()));
  const socket = connect(portOf(extra), '127.0.0.1');
  let text = '';
  socket.on('data', (d) => (text += String(d)));
  socket.write(get('a.localhost', '/open'));
  while (!text.includes('a GET /open 0')) await new Promise((r) => setTimeout(r, 5));
  extra.close();
  text = '';
  socket.write(get('a.localhost', '/after-close'));
  await new Promise((r) => socket.on('close', r));
  assert.equal(text, '', 'no answer after the listener closed');
});

test('a client that half-closes after its request still gets the answer, a refused endpoint’s too', async () => {
  for (const [host, status] of [
    ['a.localhost', 200],
    ['dead.localhost', 502],
  ] as const) {
    const c = client();
    c.write(get(host, '/last'));
    c.socket.end();
    const a = await c.answer();
    assert.equal(a.status, status, host);
    if (status === 502) assert.match(a.body, /^502 Bad Gateway: cannot reach 127\.0\.0\.1:\d+\.$/m);
    await c.closed;
  }
});
