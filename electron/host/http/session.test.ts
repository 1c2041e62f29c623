import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { createSession, readCookie, withoutSessionProtocol } from './session';

const PORT = 4321;
const req = (url: string, headers: Record<string, string> = {}) =>
  ({ url, method: 'GET', headers: { host: `127.0.0.1:${PORT}`, ...headers } }) as unknown as IncomingMessage;

test('the launch token sets an HttpOnly SameSite=Strict cookie until it is exchanged, once', () => {
  const s = createSession();
  const first = s.launch(req(`/?token=${s.launchToken}`), { port: PORT });
  assert.ok(!('status' in first), 'first use is accepted');
  assert.equal(first.location, `/#skiff-launch=${s.launchToken}`);
  const cookie = `skiff_session=${s.cookieValue}`;
  assert.deepEqual(s.exchange(req('/api/session', { cookie }), s.launchToken, { port: PORT }), { secret: s.secret });
  assert.equal(first.setCookie, `skiff_session=${s.cookieValue}; HttpOnly; SameSite=Strict; Path=/`);

  const again = s.launch(req(`/?token=${s.launchToken}`), { port: PORT });
  assert.ok('status' in again && again.status === 403, 'a second use without the cookie is refused');
  assert.match((again as { message: string }).message, /already used/);
  assert.ok(!(again as { message: string }).message.includes(s.launchToken), 'no secret echoed');

  const withCookie = s.launch(req(`/?token=${s.launchToken}`, { cookie: `skiff_session=${s.cookieValue}` }), { port: PORT });
  assert.deepEqual(withCookie, { location: '/' }, 'a browser holding the session may reload the launch URL');
});

test('a launch URL naming a route hands it to the page beside the token; a malformed one is ignored', () => {
  const s = createSession();
  const route = '/c/skiff-dev/core/pods?ns=kube-system';
  const first = s.launch(req(`/?token=${s.launchToken}&route=${encodeURIComponent(route)}`), { port: PORT });
  assert.ok(!('status' in first));
  assert.equal(first.location, `/#skiff-launch=${s.launchToken}&skiff-route=${encodeURIComponent(route)}`);
  const cookie = `skiff_session=${s.cookieValue}`;
  const bad = s.launch(req(`/?token=${s.launchToken}&route=${encodeURIComponent('/c/x"><script>')}`), { port: PORT });
  assert.equal((bad as { location: string }).location, `/#skiff-launch=${s.launchToken}`, 'a route that could break the page is dropped');
  assert.deepEqual(s.exchange(req('/api/session', { cookie }), s.launchToken, { port: PORT }), { secret: s.secret });
  const reload = s.launch(req(`/?token=${s.launchToken}&route=${encodeURIComponent(route)}`, { cookie }), { port: PORT });
  assert.deepEqual(reload, { location: `/#${route}` }, 'a browser holding the session goes straight there');
});

test('a wrong launch token is refused and does not burn the real one', () => {
  const s = createSession();
  const bad = s.launch(req('/?token=nope'), { port: PORT });
  assert.ok('status' in bad && bad.status === 403);
  const good = s.launch(req(`/?token=${s.launchToken}`), { port: PORT });
  assert.ok(!('status' in good));
});

test('requests need the session cookie', () => {
  const s = createSession();
  assert.equal(s.checkRequest(req('/api/app'), { port: PORT })?.status, 403);
  assert.equal(s.checkRequest(req('/api/app', { cookie: 'skiff_session=wrong' }), { port: PORT })?.status, 403);
  assert.equal(s.checkRequest(req('/api/app', { cookie: `a=b; skiff_session=${s.cookieValue}; c=d` }), { port: PORT }), null);
});

test('Host must be ours (DNS rebinding)', () => {
  const s = createSession();
  const cookie = `skiff_session=${s.cookieValue}`;
  for (const host of [`127.0.0.1:${PORT}`, `localhost:${PORT}`, `LOCALHOST:${PORT}`]) {
    assert.equal(s.checkRequest(req('/', { cookie, host }), { port: PORT }), null, host);
  }
  for (const host of ['evil.example', `evil.example:${PORT}`, `127.0.0.1:${PORT + 1}`, '127.0.0.1', '']) {
    const r = s.checkRequest(req('/', { cookie, host }), { port: PORT });
    assert.equal(r?.status, 403, host);
    assert.match(r!.message, /Host/);
  }
  const launch = s.launch(req(`/?token=${s.launchToken}`, { host: `rebound.example:${PORT}` }), { port: PORT });
  assert.ok('status' in launch && launch.status === 403, 'the launch URL checks Host too');
});

test('Origin, when present, must be ours', () => {
  const s = createSession();
  const cookie = `skiff_session=${s.cookieValue}`;
  assert.equal(s.checkRequest(req('/api/app', { cookie, origin: `http://127.0.0.1:${PORT}` }), { port: PORT }), null);
  assert.equal(s.checkRequest(req('/api/app', { cookie, origin: `http://localhost:${PORT}` }), { port: PORT }), null);
  for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${PORT + 1}`, `https://127.0.0.1:${PORT}`]) {
    assert.equal(s.checkRequest(req('/api/app', { cookie, origin }), { port: PORT })?.status, 403, origin);
  }
});

test('WebSocket upgrades must carry a matching Origin', () => {
  const s = createSession();
  const ws = { cookie: `skiff_session=${s.cookieValue}`, upgrade: 'websocket', connection: 'Upgrade' };
  assert.equal(s.checkRequest(req('/k8s/x/api', ws), { port: PORT })?.status, 403, 'no Origin');
  assert.equal(s.checkRequest(req('/k8s/x/api', { ...ws, origin: 'http://evil.example' }), { port: PORT })?.status, 403);
  assert.equal(s.checkRequest(req('/k8s/x/api', { ...ws, origin: `http://localhost:${PORT}` }), { port: PORT }), null);
  const { cookie: _c, ...noCookie } = ws;
  assert.equal(
    s.checkRequest(req('/k8s/x/api', { ...noCookie, origin: `http://localhost:${PORT}` }), { port: PORT })?.status,
    403,
    'no cookie',
  );
});

test('readCookie picks the named cookie', () => {
  assert.equal(readCookie('a=1; skiff_session=xyz; b=2', 'skiff_session'), 'xyz');
  assert.equal(readCookie('skiff_sessionx=1', 'skiff_session'), undefined);
  assert.equal(readCookie(undefined, 'skiff_session'), undefined);
});

test('the API needs the secret header (upgrades: the subprotocol); the cookie alone is refused', () => {
  const s = createSession();
  const cookie = `skiff_session=${s.cookieValue}`;
  assert.equal(s.checkApi(req('/api/app', { cookie }), { port: PORT })?.status, 401);
  assert.equal(s.checkApi(req('/api/app', { cookie, 'x-skiff-session': 'guess' }), { port: PORT })?.status, 401);
  assert.equal(s.checkApi(req('/api/app', { cookie, 'x-skiff-session': s.secret }), { port: PORT }), null);
  assert.equal(
    s.checkApi(req('/api/app', { 'x-skiff-session': s.secret }), { port: PORT })?.status,
    403,
    'the cookie is the second factor',
  );
  const ws = { cookie, upgrade: 'websocket', origin: `http://127.0.0.1:${PORT}` };
  assert.equal(s.checkApi(req('/k8s/p/exec', { ...ws, 'x-skiff-session': s.secret }), { port: PORT })?.status, 401);
  const proto = { ...ws, 'sec-websocket-protocol': `v5.channel.k8s.io, skiff-session.${s.secret}` };
  assert.equal(s.checkApi(req('/k8s/p/exec', proto), { port: PORT }), null);
  assert.equal(withoutSessionProtocol(proto['sec-websocket-protocol']), 'v5.channel.k8s.io');
  assert.equal(withoutSessionProtocol(`skiff-session.${s.secret}`), undefined);
});

test('only Sec-Fetch-Site same-origin or none is accepted', () => {
  const s = createSession();
  const ok = { cookie: `skiff_session=${s.cookieValue}`, 'x-skiff-session': s.secret };
  for (const site of ['same-origin', 'none'])
    assert.equal(s.checkApi(req('/api/app', { ...ok, 'sec-fetch-site': site }), { port: PORT }), null);
  for (const site of ['same-site', 'cross-site']) {
    assert.equal(s.checkApi(req('/api/app', { ...ok, 'sec-fetch-site': site }), { port: PORT })?.status, 403, site);
    assert.ok('status' in s.launch(req(`/?token=${s.launchToken}`, { 'sec-fetch-site': site }), { port: PORT }), site);
  }
});

test('each launch has its own skiff-<random>.localhost host; another launch’s name or port is not ours', () => {
  const s = createSession();
  const other = createSession();
  assert.match(s.launchHost, /^skiff-[0-9a-f]{16}\.localhost$/);
  assert.notEqual(s.launchHost, other.launchHost);
  const cookie = `skiff_session=${s.cookieValue}`;
  const own = `${s.launchHost}:${PORT}`;
  assert.equal(s.checkRequest(req('/', { cookie, host: own, origin: `http://${own}` }), { port: PORT }), null);
  assert.ok(!('status' in s.launch(req(`/?token=${s.launchToken}`, { host: own }), { port: PORT })), 'the launch URL works there');
  for (const host of [`${other.launchHost}:${PORT}`, `${s.launchHost}:${PORT + 1}`, `other.localhost:${PORT}`])
    assert.equal(s.checkRequest(req('/', { cookie, host }), { port: PORT })?.status, 403, host);
  // A page on our name but another port (cookies are not port-scoped, so it has the cookie).
  for (const origin of [`http://${s.launchHost}:${PORT + 1}`, `http://${other.launchHost}:${PORT}`])
    assert.equal(s.checkRequest(req('/api/app', { cookie, host: own, origin }), { port: PORT })?.status, 403, origin);
  assert.deepEqual(s.hosts(PORT), [`127.0.0.1:${PORT}`, `localhost:${PORT}`, own]);
});
