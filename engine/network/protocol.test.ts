import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { formatHeader, parseHeader, formatGo, parseGo, readLine, joinSockets } from './protocol';

const secret = 's3cret-s3cret-s3cret';

test('headers round-trip for every verb', () => {
  for (const h of [{ verb: 'CONTROL' }, { verb: 'REVERSE' }, { verb: 'DIAL', ip: '10.200.128.16', port: 80 }] as const) {
    const line = formatHeader(secret, h);
    assert.ok(line.endsWith('\n'));
    assert.deepEqual(parseHeader(line.trimEnd(), secret), h);
  }
});

test('bad headers are refused with the reason', () => {
  assert.deepEqual(parseHeader(`SKIFF-NET/1 wrong CONTROL`, secret), { error: 'bad secret' });
  assert.deepEqual(parseHeader(`GET / HTTP/1.1`, secret), { error: 'not a SKIFF-NET/1 header' });
  assert.deepEqual(parseHeader(`SKIFF-NET/1 ${secret} DIAL 10.0.0.1`, secret), { error: 'DIAL needs <ipv4> <port>' });
  assert.deepEqual(parseHeader(`SKIFF-NET/1 ${secret} DIAL 10.0.0.300 80`, secret), { error: 'DIAL needs <ipv4> <port>' });
  assert.deepEqual(parseHeader(`SKIFF-NET/1 ${secret} DIAL 10.0.0.1 70000`, secret), { error: 'DIAL needs <ipv4> <port>' });
  assert.deepEqual(parseHeader(`SKIFF-NET/1 ${secret} CONTROL extra`, secret), { error: 'CONTROL takes no arguments' });
  assert.deepEqual(parseHeader(`SKIFF-NET/1 ${secret} PWN`, secret), { error: 'unknown verb PWN' });
});

test('GO lines', () => {
  assert.deepEqual(parseGo(formatGo('10.1.128.1', 443)), { ip: '10.1.128.1', port: 443 });
  assert.equal(parseGo('GO 10.1.128.1'), undefined);
  assert.equal(parseGo('go 10.1.128.1 443'), undefined);
});

async function pair(): Promise<{ a: Socket; b: Socket; close(): void }> {
  const server = createServer({ allowHalfOpen: true });
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = connect({ port: (server.address() as { port: number }).port, host: '127.0.0.1', allowHalfOpen: true });
  const b = await accepted;
  return { a, b, close: () => server.close() };
}

test('readLine returns the first line and leaves what follows for the next reader', async () => {
  const { a, b, close } = await pair();
  a.write('HELLO there\nrest-of-stream');
  assert.equal(await readLine(b), 'HELLO there');
  let rest = '';
  b.on('data', (d) => {
    rest += d;
  });
  b.resume();
  a.end();
  await new Promise((r) => b.once('end', r));
  assert.equal(rest, 'rest-of-stream');
  b.destroy();
  close();
});

test('readLine refuses a line that never ends', async () => {
  const { a, b, close } = await pair();
  a.write('x'.repeat(2000));
  await assert.rejects(readLine(b, 100), /longer than 100/);
  a.destroy();
  b.destroy();
  close();
});

test('joinSockets carries a half-closed request and its reply', async () => {
  const backend = createServer({ allowHalfOpen: true }, (s) => {
    let got = '';
    s.on('data', (d) => {
      got += d;
    });
    s.on('end', () => s.end(`reply to ${got}`)); // answers only after the client's FIN
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const front = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    const up = connect({ port: (backend.address() as { port: number }).port, host: '127.0.0.1', allowHalfOpen: true });
    up.once('connect', () => joinSockets(client, up));
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const c = connect({ port: (front.address() as { port: number }).port, host: '127.0.0.1', allowHalfOpen: true });
  let reply = '';
  c.on('data', (d) => {
    reply += d;
  });
  c.end('ping');
  await new Promise((r) => c.once('end', r));
  assert.equal(reply, 'reply to ping');
  c.destroy();
  front.close();
  backend.close();
});
