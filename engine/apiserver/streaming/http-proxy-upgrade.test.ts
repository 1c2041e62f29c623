import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { relayUpgrade } from './http-proxy-upgrade';
import { ApiError } from '../status';

const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

/** A backend that speaks WebSocket on /chat (echoing, after saying what it was sent) and 404s elsewhere. */
async function backend() {
  const seen: IncomingMessage[] = [];
  const server = createServer((_req, res) => res.end());
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    seen.push(req);
    if (!req.url?.startsWith('/chat')) return socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nno socket');
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(`hello ${req.url}`);
      ws.on('message', (m: Buffer) => ws.send(`echo: ${m.toString()}`));
    });
  });
  return { server, seen, port: await listen(server) };
}

/** The API server's part: relays every upgrade to the backend's `path`. */
async function front(backendPort: number, errors: unknown[]) {
  const server = createServer();
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/proxy/, '');
    relayUpgrade(req, socket, head, { scheme: 'http', host: '127.0.0.1', port: backendPort, path }).catch((e: unknown) => {
      errors.push(e);
      socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
    });
  });
  return { server, port: await listen(server) };
}

function messages(ws: WebSocket, n: number): Promise<string[]> {
  const got: string[] = [];
  return new Promise((resolve, reject) => {
    ws.on('message', (m: Buffer) => {
      got.push(m.toString());
      if (got.length === n) resolve(got);
    });
    ws.on('error', reject);
  });
}

test('a WebSocket is relayed both ways, without the caller credentials, with the query kept', async () => {
  const b = await backend();
  const f = await front(b.port, []);
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${f.port}/proxy/chat?room=1`, {
      headers: { Authorization: 'Bearer secret', 'Impersonate-User': 'x' },
    });
    const got = messages(ws, 2);
    ws.on('open', () => ws.send('ping'));
    assert.deepEqual(await got, ['hello /chat?room=1', 'echo: ping']);
    ws.close();
    assert.equal(b.seen[0].headers.authorization, undefined);
    assert.equal(b.seen[0].headers['impersonate-user'], undefined);
    assert.equal(b.seen[0].headers.upgrade, 'websocket');
  } finally {
    b.server.closeAllConnections();
    f.server.closeAllConnections();
    b.server.close();
    f.server.close();
  }
});

test("a backend that does not upgrade: its answer reaches the client; an unreachable one is a 503 in upstream's words", async () => {
  const b = await backend();
  const errors: unknown[] = [];
  const f = await front(b.port, errors);
  try {
    const refused = new WebSocket(`ws://127.0.0.1:${f.port}/proxy/other`);
    const status = await new Promise<number>((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    assert.equal(status, 404);
    b.server.closeAllConnections();
    await new Promise((r) => b.server.close(r));
    const down = new WebSocket(`ws://127.0.0.1:${f.port}/proxy/chat`);
    await new Promise((resolve) => down.on('error', resolve));
    assert.ok(errors[0] instanceof ApiError);
    assert.equal(errors[0].code, 503);
    assert.match(errors[0].message, /error trying to reach service: dial tcp 127\.0\.0\.1:\d+: connect: connection refused/);
  } finally {
    f.server.closeAllConnections();
    f.server.close();
  }
});
