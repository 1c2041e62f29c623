// listenApp (what `skiff app` runs): the page is served before the API's services are loaded;
// they load when the page's files were served, on the first API request (which waits for
// them), or when no request comes soon after listening. A loader that fails answers API
// requests with its error.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenApp, type ListeningApp } from './app-main';
import { createDeferredHandler } from './http/deferred-handler';
import { startHostServer } from './http/server';
import { createSession } from './http/session';
import { httpGet, rawRequest } from './testing/test-http';

const dir = mkdtempSync(join(tmpdir(), 'skiff-listen-'));
mkdirSync(join(dir, 'web', 'assets'), { recursive: true });
mkdirSync(join(dir, 'home'));
writeFileSync(
  join(dir, 'web', 'index.html'),
  '<!doctype html><title>shell</title><link rel="stylesheet" href="/assets/app.css"><script type="module" src="/assets/app.js"></script>',
);
writeFileSync(join(dir, 'web', 'assets', 'app.css'), 'body{}');
writeFileSync(join(dir, 'web', 'assets', 'app.js'), '');
const env = { ...process.env, HOME: join(dir, 'home'), KUBECONFIG: join(dir, 'none') };
const apps: ListeningApp[] = [];

after(async () => {
  for (const app of apps) await app.close();
  rmSync(dir, { recursive: true, force: true });
});

// quietMs: a loaded machine must not take the test's own first request for a browser that never came.
async function open(name: string, quietMs = 60_000) {
  const app = await listenApp({ dataDir: join(dir, name), env, staticDir: join(dir, 'web'), pollMs: 0, autoCheck: false, quietMs });
  apps.push(app);
  let loaded = false;
  void app.services.then(() => (loaded = true));
  const u = new URL(app.launchUrl);
  const launched = await httpGet(app.port, u.pathname + u.search);
  assert.equal(launched.status, 302);
  const cookie = String(launched.headers['set-cookie']?.[0]).split(';')[0];
  const origin = `http://127.0.0.1:${app.port}`;
  const traded = await httpGet(
    app.port,
    '/api/session',
    { cookie, origin },
    'POST',
    JSON.stringify({ token: u.searchParams.get('token') }),
  );
  assert.equal(traded.status, 200, traded.body);
  const headers = { cookie, origin, 'x-skiff-session': (JSON.parse(traded.body) as { secret: string }).secret };
  return { app, headers, loaded: () => loaded };
}

test('the page is served before the API is loaded; the first API request waits for it', async () => {
  const { app, headers, loaded } = await open('a');
  const page = await httpGet(app.port, '/', headers);
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>shell<\/title>/);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(loaded(), false, 'the page alone (no script served yet) does not load the API');
  const info = await httpGet(app.port, '/api/app', headers);
  assert.equal(info.status, 200, info.body);
  assert.equal((JSON.parse(info.body) as { dataDir: string }).dataDir, join(dir, 'a'));
  assert.equal(loaded(), true);
  const profiles = await httpGet(app.port, '/api/profiles', headers);
  assert.equal(profiles.status, 200, profiles.body);
});

test("once the page's files were served, the API loads by itself", async () => {
  const { app, headers, loaded } = await open('b');
  assert.equal((await httpGet(app.port, '/', headers)).status, 200);
  assert.equal((await httpGet(app.port, '/assets/app.css', headers)).status, 200);
  assert.equal((await httpGet(app.port, '/assets/app.js', headers)).status, 200);
  await app.services;
  assert.equal(loaded(), true);
});

test('with no request soon after listening (a browser still starting), the API loads by itself', async () => {
  const app = await listenApp({ dataDir: join(dir, 'q'), env, staticDir: join(dir, 'web'), pollMs: 0, autoCheck: false, quietMs: 50 });
  apps.push(app);
  await app.services;
});

test('an API that cannot load answers with its error; upgrades are closed', async () => {
  const failing = () => Promise.reject(new Error('module not found: x'));
  const session = createSession();
  const server = await startHostServer({
    staticDir: join(dir, 'web'),
    session,
    api: createDeferredHandler(failing),
    kubeProxy: createDeferredHandler(failing),
  });
  try {
    const u = new URL(server.launchUrl);
    const launched = await httpGet(server.port, u.pathname + u.search);
    const cookie = String(launched.headers['set-cookie']?.[0]).split(';')[0];
    const origin = server.url;
    const traded = await httpGet(
      server.port,
      '/api/session',
      { cookie, origin },
      'POST',
      JSON.stringify({ token: u.searchParams.get('token') }),
    );
    const secret = (JSON.parse(traded.body) as { secret: string }).secret;
    const r = await httpGet(server.port, '/api/app', { cookie, origin, 'x-skiff-session': secret });
    assert.equal(r.status, 500);
    assert.match((JSON.parse(r.body) as { error: string }).error, /internal error: module not found: x/);
    const up = await rawRequest(
      server.port,
      `GET /k8s/p/api/v1/pods?watch=1 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nOrigin: ${origin}\r\nCookie: ${cookie}\r\n` +
        `Sec-WebSocket-Protocol: skiff-session.${secret}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    up.socket.destroy();
    assert.equal(up.data, '', 'the upgrade is closed without an answer');
  } finally {
    await server.close();
  }
});
