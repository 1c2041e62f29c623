// The raw relay's HTTP/1.1 reading: what counts as a plain request, a response's framing, and
// where a chunked body ends however it is cut into pieces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkScanner, parseRequestHead, parseResponseHead } from './http1-framing';

test('a plain request head is read; anything else is left to node’s parser', () => {
  const r = parseRequestHead('GET /a?b=1 HTTP/1.1\r\nHost: web.localhost\r\nCookie: a=1\r\ncookie: b=2\r\nContent-Length: 3');
  assert.deepEqual(r && { ...r, rawHeaders: r.rawHeaders.length }, {
    method: 'GET',
    url: '/a?b=1',
    headers: { host: 'web.localhost', cookie: 'a=1; b=2', 'content-length': '3' },
    rawHeaders: 8,
    contentLength: 3,
  });
  for (const head of [
    'GET / HTTP/1.0\r\nHost: a',
    'GET http://a/ HTTP/1.1\r\nHost: a',
    'CONNECT a:443 HTTP/1.1\r\nHost: a',
    'GET / HTTP/1.1',
    'GET / HTTP/1.1\r\nHost: a\r\nHost: b',
    'GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade',
    'GET / HTTP/1.1\r\nHost: a\r\nConnection: close',
    'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked',
    'POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue',
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1',
    'GET / HTTP/1.1\r\nHost: a\r\n folded',
    'GET / HTTP/1.1\r\nHost : a',
    'GET / HTTP/1.1\r\nHost: a\nX: 1',
    'GET / HTTP/1.1\r\nHost: a\r\nX: \x00',
  ])
    assert.equal(parseRequestHead(head), undefined, JSON.stringify(head));
});

test('a response’s framing, and its hop-by-hop headers dropped', () => {
  const head = (s: string) => Buffer.from(`${s}\r\n\r\n`, 'latin1');
  const ka = parseResponseHead(
    head('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5'),
    'GET',
    () => false,
  );
  assert.deepEqual(ka && { ...ka, head: String(ka.head) }, {
    status: 200,
    head: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n',
    kind: 'fixed',
    length: 2,
    reusable: true,
  });
  const plain = head('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked');
  assert.equal(parseResponseHead(plain, 'GET', () => false)?.head, plain, 'nothing to drop: the bytes as they came');
  assert.equal(parseResponseHead(plain, 'HEAD', () => false)?.kind, 'none');
  assert.equal(parseResponseHead(head('HTTP/1.1 304 Not Modified\r\nContent-Length: 9'), 'GET', () => false)?.kind, 'none');
  const unframed = parseResponseHead(head('HTTP/1.1 200 OK\r\nX-A: 1'), 'GET', (k) => k === 'close');
  assert.equal(unframed?.kind, 'close');
  assert.equal(unframed?.reusable, false);
  assert.match(String(unframed?.head), /\r\nConnection: close\r\n\r\n$/);
  assert.equal(parseResponseHead(head('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close'), 'GET', () => false)?.reusable, false);
  assert.equal(parseResponseHead(head('HTTP/1.0 200 OK\r\nContent-Length: 1'), 'GET', () => false)?.reusable, false);
  assert.equal(
    parseResponseHead(head('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked'), 'GET', () => false),
    undefined,
  );
  assert.equal(
    parseResponseHead(head('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2'), 'GET', () => false),
    undefined,
  );
  assert.equal(
    parseResponseHead(head('HTTP/2 200'), 'GET', () => false),
    undefined,
  );
});

test('the end of a chunked body is found however the bytes are cut, trailers and extensions included', () => {
  const body = Buffer.from('5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\nNEXT');
  const end = body.length - 4;
  assert.equal(new ChunkScanner().scan(body), end);
  for (let cut = 1; cut < body.length; cut++) {
    const s = new ChunkScanner();
    const first = s.scan(body.subarray(0, cut));
    const found = first >= 0 ? first : cut + s.scan(body.subarray(cut));
    assert.equal(found, end, `cut at ${cut}`);
  }
  const oneByOne = new ChunkScanner();
  let at = -1;
  for (let i = 0; i < body.length && at < 0; i++) if (oneByOne.scan(body.subarray(i, i + 1)) === 1) at = i + 1;
  assert.equal(at, end);
  assert.equal(new ChunkScanner().scan(Buffer.from('zz\r\n')), -2);
  assert.equal(new ChunkScanner().scan(Buffer.from('3\r\nabcX')), -2);
  assert.equal(new ChunkScanner().scan(Buffer.from('3\r\nab')), -1);
});
