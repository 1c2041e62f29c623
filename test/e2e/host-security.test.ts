// The host server refuses whatever lacks the session cookie, comes from a foreign Origin, or
// names a foreign Host (DNS rebinding) — for HTTP, the kube proxy and WebSocket upgrades.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../electron/host/app-main';

let app: Awaited<ReturnType<typeof startApp>>;
let dataDir: string;
let cookie: string;
let secret: string;

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.url}${path}`, { headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function post(path: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

function upgrade(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.url}${path}`, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode!);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'skiff-host-sec-'));
  app = await startApp({ dataDir, port: 0, env: { ...process.env }, log: () => {} });
  const launch = await get(new URL(app.launchUrl).pathname + new URL(app.launchUrl).search);
  assert.equal(launch.status, 302);
  const set = String(launch.headers['set-cookie']);
  assert.match(set, /HttpOnly/i);
  assert.match(set, /SameSite=Strict/i);
  cookie = set.split(';')[0];
  const traded = await post(
    '/api/session',
    { Cookie: cookie, Origin: app.url },
    { token: new URL(app.launchUrl).searchParams.get('token') },
  );
  assert.equal(traded.status, 200, traded.body);
  secret = (JSON.parse(traded.body) as { secret: string }).secret;
});
after(async () => {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('with the cookie and the session secret, same origin: answered', async () => {
  assert.equal((await get('/api/app', { Cookie: cookie, 'X-Skiff-Session': secret })).status, 200);
  assert.equal((await get('/api/app', { Cookie: cookie, Origin: app.url, 'X-Skiff-Session': secret })).status, 200);
  const cookieOnly = await get('/api/app', { Cookie: cookie, Origin: app.url });
  assert.equal(cookieOnly.status, 401);
  assert.match((JSON.parse(cookieOnly.body) as { error: string }).error, /X-Skiff-Session/);
});

test('without the cookie: refused (API, renderer, kube proxy)', async () => {
  for (const path of ['/api/app', '/', '/k8s/skiff-local/api/v1/pods']) {
    assert.equal((await get(path)).status, 403, path);
  }
  assert.equal((await get('/api/app', { Cookie: 'skiff_session=guess' })).status, 403);
});

test('a foreign Origin is refused even with the cookie', async () => {
  assert.equal((await get('/api/app', { Cookie: cookie, Origin: 'http://evil.example' })).status, 403);
});

test('a foreign Host (DNS rebinding) is refused even with the cookie', async () => {
  assert.equal((await get('/api/app', { Cookie: cookie, Host: `evil.example:${app.port}` })).status, 403);
});

test('the launch token works once', async () => {
  const u = new URL(app.launchUrl);
  assert.equal((await get(u.pathname + u.search)).status, 403);
});

test('WebSocket upgrades need the cookie and our Origin', async () => {
  const path = '/k8s/skiff-local/api/v1/namespaces/default/pods/x/exec?command=sh';
  assert.equal(await upgrade(path, { Origin: app.url }), 403);
  assert.equal(await upgrade(path, { Cookie: cookie, Origin: 'http://evil.example' }), 403);
  assert.equal(await upgrade(path, { Cookie: cookie }), 403); // browsers always send Origin on WebSocket
});
