// Issue 12, finding 4, the per-launch origin: in a browser the app opens on its own host name,
// skiff-<random>.localhost:<port>, so its session cookie is host-only to that name. The attack it
// ends: a page on another loopback port (a pod's page through port-forward, NodePort or a
// LoadBalancer) received the app's cookie, cookies not being port-scoped. Here pages on
// 127.0.0.1, localhost and other.localhost at another port get no Skiff cookie at all; every
// page there, and one on the launch's own name at another port (which does get the cookie),
// fails to use the session; and no other launch's name is sent this launch's cookie.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../../electron/host/app-main';
import { goto, launchBrowser } from '../e2e/browser';
import { ATTACK, type AttackResult } from './testing/app-attack';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1' } }]
users: [{ name: u, user: { token: not-a-real-token } }]
contexts: [{ name: victim-ctx, context: { cluster: c, user: u } }]
current-context: victim-ctx
`;

let dir: string;
let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let origin: string;
let launchHost: string;
let attacker: Server;
let attackerPort: number;
/** The Cookie header of every request the attacker's server received, by Host. */
const received: { host: string; cookie: string }[] = [];

before(async () => {
  const builder = '../../scripts/build-renderer.mjs';
  const renderer = (await import(builder)) as { isFresh(): boolean; buildRenderer(): Promise<void> };
  if (!renderer.isFresh()) await renderer.buildRenderer();
  dir = mkdtempSync(join(tmpdir(), 'skiff-launch-origin-'));
  writeFileSync(join(dir, 'kubeconfig'), KUBECONFIG);
  app = await startApp({
    dataDir: join(dir, 'data'),
    port: 0,
    env: { ...process.env, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') },
    log: () => {},
  });
  attacker = createServer((req, res) => {
    received.push({ host: req.headers.host ?? '', cookie: req.headers.cookie ?? '' });
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>a pod page</title><body></body>');
  });
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
  attackerPort = (attacker.address() as { port: number }).port;
  browser = await launchBrowser();
  context = await browser.newContext();
  page = await context.newPage();
  await goto(page, app.browserLaunchUrlFor());
  await page.waitForFunction(() => sessionStorage.getItem('skiff.session'), undefined, { timeout: 15_000 });
  await page.locator('[data-testid="profile-entry"][data-profile="victim-ctx"]').waitFor({ timeout: 15_000 });
  origin = new URL(page.url()).origin;
  launchHost = new URL(page.url()).hostname;
});

after(async () => {
  await browser?.close().catch(() => {});
  await app?.close();
  attacker?.closeAllConnections();
  await new Promise<void>((r) => (attacker ? attacker.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

const profileNames = async (): Promise<string[]> =>
  page.evaluate(async () => {
    const r = await fetch('/api/profiles', { headers: { 'X-Skiff-Session': sessionStorage.getItem('skiff.session') ?? '' } });
    return ((await r.json()) as { name: string }[]).map((p) => p.name).sort();
  });

test('the browser is given a launch-own origin, and the session cookie is host-only to it', async () => {
  assert.match(launchHost, /^skiff-[0-9a-f]{16}\.localhost$/);
  assert.equal(origin, `http://${launchHost}:${app.port}`);
  const cookies = (await context.cookies()).filter((c) => c.name === 'skiff_session');
  assert.equal(cookies.length, 1, JSON.stringify(cookies));
  assert.equal(cookies[0].domain, launchHost, 'no Domain attribute: not shared with other names');
  assert.equal(cookies[0].httpOnly, true);
  // What the browser would attach to other origins: nothing of ours.
  const other = `http://skiff-${'0'.repeat(16)}.localhost:${app.port}`;
  for (const url of [`http://127.0.0.1:${attackerPort}`, `http://localhost:${attackerPort}`, `http://127.0.0.1:${app.port}`, other])
    assert.deepEqual(
      (await context.cookies(url)).filter((c) => c.name === 'skiff_session'),
      [],
      url,
    );
});

for (const host of ['127.0.0.1', 'other.localhost', 'LAUNCH']) {
  test(`a page on ${host === 'LAUNCH' ? 'the launch’s own name' : host} at another port cannot use the session`, async () => {
    const name = host === 'LAUNCH' ? launchHost : host;
    const before = await profileNames();
    assert.ok(before.includes('victim-ctx'), String(before));
    const secret = (await page.evaluate(() => sessionStorage.getItem('skiff.session')))!;
    const evil = await context.newPage();
    const answers: { url: string; status: number }[] = [];
    evil.on('response', (r) => {
      if (r.url().startsWith(origin)) answers.push({ url: r.url(), status: r.status() });
    });
    try {
      received.length = 0;
      await goto(evil, `http://${name}:${attackerPort}/`);
      if (host !== 'LAUNCH') {
        // The finding itself: the pod's page used to be sent the app's cookie.
        assert.ok(received.length >= 1);
        for (const r of received) assert.ok(!r.cookie.includes('skiff_session'), `${r.host} was sent ${r.cookie}`);
      }
      const out = await evil.evaluate<AttackResult>(`(${ATTACK})(${JSON.stringify(origin)})`);
      assert.ok(!out.cookie.includes('skiff_session') && !out.cookie.includes(secret), `document.cookie: ${out.cookie}`);
      assert.equal(out.storage, null, 'sessionStorage is per origin');
      for (const f of out.fetches) {
        assert.ok(f.error !== undefined || f.type === 'opaque' || (f.status ?? 0) >= 400, JSON.stringify(f));
        assert.ok(!(f.body ?? '').includes('victim-ctx'), `${f.path} leaked the profile list`);
      }
      for (const s of out.sockets) assert.notEqual(s.opened, true, `${s.path} opened`);
      const seen = answers.filter((a) => !a.url.endsWith('/favicon.ico'));
      for (const a of seen) assert.ok(a.status === 401 || a.status === 403, JSON.stringify(a));
    } finally {
      await evil.close();
    }
    assert.deepEqual(await profileNames(), before, 'the profile list is unchanged');
  });
}
