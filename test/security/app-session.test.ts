// Issue 12, finding 4: the app session cannot be borrowed by another origin. Cookies are not
// port-scoped, so a page on another 127.0.0.1 port (a pod's page opened through port-forward or
// NodePort) gets the app's cookie sent along; other.localhost is another site altogether. From
// both, a page tries document.cookie, credentialed fetches, a form POST and WebSockets against
// the app host: all refused, and the profile list is unchanged. The real app keeps working
// after a reload (its secret lives in sessionStorage).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startAppFixture, type AppFixture } from '../e2e/app-fixture';
import { ATTACK, type AttackResult } from './testing/app-attack';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1' } }]
users: [{ name: u, user: { token: not-a-real-token } }]
contexts: [{ name: victim-ctx, context: { cluster: c, user: u } }]
current-context: victim-ctx
`;

let fx: AppFixture;
let dir: string;
let attacker: Server;
let attackerPort: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-app-session-'));
  writeFileSync(join(dir, 'kubeconfig'), KUBECONFIG);
  fx = await startAppFixture({ KUBECONFIG: join(dir, 'kubeconfig'), HOME: dir }, { sessionHeader: false });
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>a pod page</title><body></body>');
  });
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
  attackerPort = (attacker.address() as { port: number }).port;
});

after(async () => {
  await fx?.close();
  attacker?.closeAllConnections();
  await new Promise<void>((r) => (attacker ? attacker.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

const profileNames = async (page: Page): Promise<string[]> =>
  page.evaluate(async () => {
    const r = await fetch('/api/profiles', { headers: { 'X-Skiff-Session': sessionStorage.getItem('skiff.session') ?? '' } });
    return ((await r.json()) as { name: string }[]).map((p) => p.name).sort();
  });

test('the launch token leaves the URL; the secret is only in this tab', async () => {
  await fx.page.locator('[data-testid="profile-entry"][data-profile="victim-ctx"]').waitFor({ timeout: 15_000 });
  assert.ok(!fx.page.url().includes('token') && !fx.page.url().includes('skiff-launch'), fx.page.url());
  const secret = await fx.page.evaluate(() => sessionStorage.getItem('skiff.session'));
  assert.ok(secret && secret.length >= 40);
  const html = await fx.page.evaluate(() => fetch('/').then((r) => r.text()));
  assert.ok(!html.includes(secret), 'the page the host serves does not embed the secret');
  assert.equal(await fx.page.evaluate(() => document.cookie), '', 'the cookie is HttpOnly');
});

for (const host of ['127.0.0.1', 'other.localhost']) {
  test(`a page from ${host}:<other port> cannot use the app session`, async () => {
    const before = await profileNames(fx.page);
    assert.ok(before.includes('victim-ctx'), String(before));
    const secret = (await fx.page.evaluate(() => sessionStorage.getItem('skiff.session')))!;
    // A second tab in the same browser profile (the fixture's context allows no newPage()).
    const opened = fx.page.context().waitForEvent('page');
    await fx.page.evaluate((u) => void window.open(u, '_blank', 'noopener'), `http://${host}:${attackerPort}/`);
    const page = await opened;
    const answers: { url: string; status: number }[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(fx.url)) answers.push({ url: r.url(), status: r.status() });
    });
    try {
      await page.waitForLoadState();
      assert.equal(new URL(page.url()).host, `${host}:${attackerPort}`);
      const out = await page.evaluate<AttackResult>(`(${ATTACK})(${JSON.stringify(fx.url)})`);
      assert.ok(!out.cookie.includes('skiff_session') && !out.cookie.includes(secret), `document.cookie: ${out.cookie}`);
      assert.equal(out.storage, null, 'sessionStorage is per origin');
      for (const f of out.fetches) {
        assert.ok(f.error !== undefined || f.type === 'opaque' || (f.status ?? 0) >= 400, JSON.stringify(f));
        assert.ok(!(f.body ?? '').includes('victim-ctx'), `${f.path} leaked the profile list`);
      }
      for (const s of out.sockets) assert.notEqual(s.opened, true, `${s.path} opened`);
      // What the host actually answered (the browser hides it from the page): only refusals.
      const seen = answers.filter((a) => !a.url.endsWith('/favicon.ico'));
      assert.ok(seen.length >= 3, JSON.stringify(answers));
      for (const a of seen) assert.ok(a.status === 401 || a.status === 403, JSON.stringify(a));
    } finally {
      await page.close();
    }
    assert.deepEqual(await profileNames(fx.page), before, 'the profile list is unchanged');
  });
}

test('the app still works after a reload (secret from sessionStorage)', async () => {
  await fx.page.reload();
  await fx.page.locator('[data-testid="profile-entry"][data-profile="victim-ctx"]').waitFor({ timeout: 15_000 });
  assert.ok((await profileNames(fx.page)).includes('victim-ctx'));
});
