import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { clientResponseHeaders, rawHeader, upstreamRequestHeaders } from './upstream-headers';

/** An incoming message as node parses one: raw pairs, and lower-case names joined. */
function message(raw: string[], socket: Record<string, unknown> = {}): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i].toLowerCase();
    headers[k] = headers[k] === undefined ? raw[i + 1] : `${headers[k]}, ${raw[i + 1]}`;
  }
  return {
    rawHeaders: raw,
    headers,
    socket: { remoteAddress: '::ffff:127.0.0.1', localPort: 8080, ...socket },
  } as unknown as IncomingMessage;
}

const pairs = (list: string[]) => Array.from({ length: list.length / 2 }, (_, i) => `${list[2 * i]}: ${list[2 * i + 1]}`);

test('drops hop-by-hop headers and those Connection names; replaces what the client claims in X-Forwarded-*', () => {
  const req = message([
    'Host',
    'web.localhost:8080',
    'Connection',
    'keep-alive, X-Secret',
    'Keep-Alive',
    'timeout=5',
    'X-Secret',
    'hidden',
    'X-Forwarded-For',
    '6.6.6.6',
    'x-real-ip',
    '6.6.6.6',
    'Accept',
    'a',
    'Accept',
    'b',
  ]);
  assert.deepEqual(pairs(upstreamRequestHeaders(req, { keepUpgrade: false, defaultHost: '10.0.0.1:80' })), [
    'Host: web.localhost:8080',
    'Accept: a',
    'Accept: b',
    'X-Forwarded-For: 127.0.0.1',
    'X-Real-IP: 127.0.0.1',
    'X-Forwarded-Proto: http',
    'X-Forwarded-Host: web.localhost:8080',
    'X-Forwarded-Port: 8080',
  ]);
});

test('keeps Upgrade and Connection for a handshake, and says https on a TLS connection', () => {
  const req = message(['Host', 'ws.localhost', 'Upgrade', 'websocket', 'Connection', 'Upgrade'], { encrypted: true });
  const out = upstreamRequestHeaders(req, { keepUpgrade: true, defaultHost: 'x' });
  assert.equal(rawHeader(out, 'upgrade'), 'websocket');
  assert.equal(rawHeader(out, 'connection'), 'Upgrade');
  assert.equal(rawHeader(out, 'x-forwarded-proto'), 'https');
  assert.equal(rawHeader(upstreamRequestHeaders(req, { keepUpgrade: false, defaultHost: 'x' }), 'upgrade'), undefined);
});

test('a route’s edits and Host rewrite apply; a request without Host gets the target’s', () => {
  const req = message(['host', 'a.localhost', 'X-Drop', '1', 'X-Add', 'one']);
  const out = upstreamRequestHeaders(req, {
    keepUpgrade: false,
    defaultHost: '10.0.0.1:8080',
    upstreamHost: 'b.example',
    edit: { set: [{ name: 'X-Set', value: 's' }], add: [{ name: 'x-add', value: 'two' }], remove: ['x-drop'] },
  });
  assert.equal(rawHeader(out, 'host'), 'b.example');
  assert.equal(out.filter((k, i) => i % 2 === 0 && k.toLowerCase() === 'host').length, 1, 'one Host header');
  assert.equal(rawHeader(out, 'x-drop'), undefined);
  assert.equal(rawHeader(out, 'x-add'), 'one,two');
  assert.equal(rawHeader(out, 'x-set'), 's');
  assert.equal(rawHeader(out, 'x-forwarded-host'), 'a.localhost', 'X-Forwarded-Host is what the client asked for');
  const bare = upstreamRequestHeaders(message([]), { keepUpgrade: false, defaultHost: '10.0.0.1:8080' });
  assert.equal(rawHeader(bare, 'host'), '10.0.0.1:8080');
});

test('a response loses its hop-by-hop headers and gets the route’s edits', () => {
  const res = message(['Content-Length', '3', 'Connection', 'close, X-Hop', 'X-Hop', 'h', 'Transfer-Encoding', 'chunked', 'Server', 's']);
  assert.deepEqual(pairs(clientResponseHeaders(res, undefined)), ['Content-Length: 3', 'Server: s']);
  assert.deepEqual(pairs(clientResponseHeaders(res, { remove: ['server'] })), ['Content-Length: 3']);
});
