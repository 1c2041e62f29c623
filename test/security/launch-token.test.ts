// Issue 12, finding 8: the one-time launch token travelled in the browser opener's argv, so any
// local process listing (ps, /proc/<pid>/cmdline) showed it. Now the opener gets the path of a
// 0600 page in the data dir, and that page (in real Chromium) logs the browser in. Other sites
// still cannot use the cross-site path the launch page needs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp } from '../../electron/host/app-main';
import { openLaunchPage, writeLaunchFile } from '../../electron/host/launch-file';
import { launchBrowser } from '../e2e/browser';
import { waitFor } from '../wait-for';

let dir: string;
let app: Awaited<ReturnType<typeof startApp>>;
let token: string;

before(async () => {
  const builder = '../../scripts/build-renderer.mjs';
  const renderer = (await import(builder)) as { isFresh(): boolean; buildRenderer(): Promise<void> };
  if (!renderer.isFresh()) await renderer.buildRenderer();
  dir = mkdtempSync(join(tmpdir(), 'skiff-launch-'));
  app = await startApp({ dataDir: dir, port: 0, env: { ...process.env, HOME: dir, KUBECONFIG: join(dir, 'none') }, log: () => {} });
  token = new URL(app.launchUrl).searchParams.get('token')!;
});

after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.url}${path}`, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

test('the browser opener is never given the token: its argv holds only a 0600 file', async () => {
  // A stand-in xdg-open that records the argv it was started with, as `ps` would show it.
  const bin = join(dir, 'bin');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(bin);
  const argvFile = join(dir, 'opener-argv');
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > "${argvFile}"\n`);
  chmodSync(join(bin, 'xdg-open'), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
  try {
    const file = openLaunchPage(dir, app.launchUrl, (l) => assert.fail(l))!;
    const argv = await waitFor('the opener ran', () => Promise.resolve(existsSync(argvFile) && readFileSync(argvFile, 'utf8')), 5000, 25);
    assert.ok(!argv.includes(token), `the token is not in argv: ${argv}`);
    assert.ok(argv.includes(file.url), 'the opener got the launch page');
    assert.equal(statSync(file.path).mode & 0o777, 0o600, 'only the user can read the page');
    assert.ok(readFileSync(file.path, 'utf8').includes(token), 'the page carries the token');
    file.remove();
    assert.equal(existsSync(file.path), false);
  } finally {
    process.env.PATH = path;
  }
});

test("another site cannot use the launch page's cross-site path", async () => {
  const path = `/?token=${encodeURIComponent(token)}`;
  const site = (s: string, mode: string) => ({ 'Sec-Fetch-Site': s, 'Sec-Fetch-Mode': mode });
  assert.equal(await get('/?token=guess', site('cross-site', 'navigate')), 403, 'a wrong token from another site');
  assert.equal(await get(path, site('cross-site', 'cors')), 403, 'a cross-site fetch, not a navigation');
  assert.equal(await get(path, site('same-site', 'navigate')), 403, 'same-site (another port) is another site here');
});

test('opening the launch page in Chromium logs the browser in; the page then goes away', async () => {
  const file = writeLaunchFile(dir, app.launchUrl);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(file.url);
    const secret = await page.waitForFunction(() => sessionStorage.getItem('skiff.session'), undefined, { timeout: 15_000 });
    assert.ok(String(await secret.jsonValue()).length >= 40);
    assert.equal(new URL(page.url()).origin, app.url, 'on the app origin');
    assert.ok(!page.url().includes(token), 'the token left the address bar');
    const status = await page.evaluate(
      async (s) => (await fetch('/api/profiles', { headers: { 'X-Skiff-Session': s } })).status,
      String(await secret.jsonValue()),
    );
    assert.equal(status, 200, 'the session works');
  } finally {
    await browser.close();
    file.remove();
  }
  assert.equal(existsSync(fileURLToPath(file.url)), false);
});
