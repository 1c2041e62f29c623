import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHostServer, type HostServer } from './server';
import { createSession, type Session } from './session';
import { sendJson } from './http-util';
import { httpGet, rawRequest, upgradeRequest } from '../testing/test-http';

let dir: string;
let server: HostServer;
let session: Session;
let cookie: string;
const upgrades: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-host-'));
  const web = join(dir, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>skiff-index</title>');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(web, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET');
  session = createSession();
  cookie = `skiff_session=${session.cookieValue}`;
  server = await startHostServer({
    staticDir: web,
    session,
    api: { handle: (req, res) => sendJson(res, 200, { api: req.url }) },
    kubeProxy: {
      handle: (req, res) => sendJson(res, 200, { k8s: req.url }),
      upgrade: (req, socket) => {
        upgrades.push(req.url!);
        socket.end('HTTP/1.1 418 Teapot\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      },
    },
  });
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('listens on 127.0.0.1 and gives a launch URL with the token', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(server.launchUrl, `${server.url}/?token=${encodeURIComponent(session.launchToken)}`);
});

test('nothing is served without the session', async () => {
  for (const path of ['/', '/assets/app.js', '/api/app', '/k8s/skiff-local/api']) {
    const r = await httpGet(server.port, path);
    assert.equal(r.status, 403, path);
    assert.ok(!r.body.includes(session.cookieValue) && !r.body.includes(session.launchToken));
  }
});

test('the launch URL sets the cookie and hands the token to the page, until it is exchanged', async () => {
  const s = createSession();
  const other = await startHostServer({ staticDir: join(dir, 'web'), session: s, api: { handle: () => {} } });
  try {
    const first = await httpGet(other.port, new URL(other.launchUrl).pathname + new URL(other.launchUrl).search);
    assert.equal(first.status, 302);
    assert.equal(first.headers.location, `/#skiff-launch=${encodeURIComponent(s.launchToken)}`);
    assert.deepEqual(first.headers['set-cookie'], [`skiff_session=${s.cookieValue}; HttpOnly; SameSite=Strict; Path=/`]);
    const c = `skiff_session=${s.cookieValue}`;
    const post = (token: string, headers: Record<string, string> = { cookie: c }) =>
      httpGet(other.port, '/api/session', headers, 'POST', JSON.stringify({ token }));
    const noCookie = await post(s.launchToken, {});
    assert.equal(noCookie.status, 403);
    assert.equal((await post('wrong')).status, 403);
    const traded = await post(s.launchToken);
    assert.equal(traded.status, 200);
    assert.deepEqual(JSON.parse(traded.body), { secret: s.secret });
    assert.equal((await post(s.launchToken)).status, 403, 'the token is exchanged once');
    const second = await httpGet(other.port, `/?token=${s.launchToken}`);
    assert.equal(second.status, 403);
    assert.equal(second.headers['set-cookie'], undefined);
    const page = await httpGet(other.port, '/', { cookie: `skiff_session=${s.cookieValue}` });
    assert.equal(page.status, 200);
  } finally {
    await other.close();
  }
});

test('index.html at / and for client-side routes, with the security headers', async () => {
  for (const path of ['/', '/clusters/local/pods', '/index.html']) {
    const r = await httpGet(server.port, path, { cookie });
    assert.equal(r.status, 200, path);
    assert.match(r.body, /skiff-index/);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    const csp = String(r.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'; script-src 'self';/);
    assert.ok(csp.includes(`connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}`), csp);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
  }
});

test('assets have their content type and long cache; missing assets are 404', async () => {
  const js = await httpGet(server.port, '/assets/app.js', { cookie });
  assert.equal(js.status, 200);
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.match(String(js.headers['cache-control']), /immutable/);
  assert.equal(js.body, 'console.log("app")');
  const css = await httpGet(server.port, '/assets/app.css', { cookie });
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal((await httpGet(server.port, '/assets/nope.js', { cookie })).status, 404);
});

test('path traversal is refused', async () => {
  for (const path of [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2E%2E/%2E%2E/secret.txt',
    '/..%5csecret.txt',
  ]) {
    const r = await httpGet(server.port, path, { cookie });
    assert.equal(r.status, 403, path);
    assert.ok(!r.body.includes('TOP-SECRET'), path);
  }
});

test('wrong Host or Origin is refused even with the cookie', async () => {
  assert.equal((await httpGet(server.port, '/', { cookie, host: 'evil.example' })).status, 403);
  assert.equal((await httpGet(server.port, '/api/app', { cookie, host: `attacker.example:${server.port}` })).status, 403);
  assert.equal((await httpGet(server.port, '/api/app', { cookie, origin: 'https://evil.example' })).status, 403);
  const ok = await httpGet(server.port, '/api/app', {
    cookie,
    'x-skiff-session': session.secret,
    origin: `http://localhost:${server.port}`,
    host: `localhost:${server.port}`,
  });
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body), { api: '/api/app' });
});

test('/api and /k8s reach their handlers; other methods on pages are 405', async () => {
  assert.deepEqual(
    JSON.parse((await httpGet(server.port, '/k8s/skiff-local/api/v1/pods?watch=1', { cookie, 'x-skiff-session': session.secret })).body),
    {
      k8s: '/k8s/skiff-local/api/v1/pods?watch=1',
    },
  );
  assert.equal((await httpGet(server.port, '/', { cookie }, 'POST', 'x')).status, 405);
});

test('WebSocket upgrades pass the same checks, with a matching Origin', async () => {
  const origin = `http://127.0.0.1:${server.port}`;
  const noCookie = await rawRequest(
    server.port,
    upgradeRequest(server.port, '/k8s/p/api/v1/namespaces/default/pods/x/exec', { Origin: origin }),
  );
  assert.match(noCookie.data, /^HTTP\/1\.1 403/);
  const noOrigin = await rawRequest(server.port, upgradeRequest(server.port, '/k8s/p/exec', { Cookie: cookie }));
  assert.match(noOrigin.data, /^HTTP\/1\.1 403/);
  const badOrigin = await rawRequest(
    server.port,
    upgradeRequest(server.port, '/k8s/p/exec', { Cookie: cookie, Origin: 'http://evil.example' }),
  );
  assert.match(badOrigin.data, /^HTTP\/1\.1 403/);
  const badHost = await rawRequest(
    server.port,
    upgradeRequest(server.port, '/k8s/p/exec', { Cookie: cookie, Origin: origin, Host: 'evil.example' }),
  );
  assert.match(badHost.data, /^HTTP\/1\.1 403/);
  assert.deepEqual(upgrades, [], 'no refused upgrade reached the proxy');
  const noSecret = await rawRequest(server.port, upgradeRequest(server.port, '/k8s/p/exec', { Cookie: cookie, Origin: origin }));
  assert.match(noSecret.data, /^HTTP\/1\.1 401/);
  const proto = { 'Sec-WebSocket-Protocol': `v5.channel.k8s.io, skiff-session.${session.secret}` };
  const ok = await rawRequest(server.port, upgradeRequest(server.port, '/k8s/p/exec', { Cookie: cookie, Origin: origin, ...proto }));
  assert.match(ok.data, /^HTTP\/1\.1 418/);
  assert.deepEqual(upgrades, ['/k8s/p/exec']);
  const elsewhere = await rawRequest(server.port, upgradeRequest(server.port, '/somewhere', { Cookie: cookie, Origin: origin, ...proto }));
  assert.match(elsewhere.data, /^HTTP\/1\.1 404/);
});
