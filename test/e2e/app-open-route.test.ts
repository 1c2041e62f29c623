// `skiff app --open <route>` (issue 14): a fresh launch opens where the route points, over the
// saved workspace's view. Through the in-process host's launch URL and through the real CLI,
// whose printed link Chromium opens (the launch redirect carries the route beside the token).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startAppFixture, startClusterThroughApp, type AppFixture } from './app-fixture';
import { goto, screenshot } from './browser';
import { waitFor } from '../wait-for';

const BIN = join(new URL('../..', import.meta.url).pathname, 'bin', 'skiff.mjs');
let f: AppFixture;
let profile: string;
let cli: ChildProcess | undefined;

before(async () => {
  f = await startAppFixture();
  profile = await startClusterThroughApp(f, 'openroute');
  const post = async (path: string, data: unknown) => {
    const res = await f.page.request.post(`${f.url}/k8s/${profile}${path}`, { data });
    assert.equal(res.status(), 201, await res.text());
  };
  await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'deep' } });
  await post('/api/v1/namespaces/deep/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'linked' }, data: { a: 'b' } });
});

after(async () => {
  if (cli?.pid) process.kill(cli.pid, 'SIGTERM');
  if (f) await screenshot(f.page, 'open-route-last');
  await f?.close();
});

const hash = () => f.page.evaluate(() => location.hash);

test('a launch with a route opens that list and object, over the saved view', { timeout: 60_000 }, async () => {
  // The saved workspace points at the overview; the launch route must win over it.
  await goto(f.page, `${f.url}/#/c/${profile}`);
  await f.page.getByTestId('overview').waitFor({ timeout: 20_000 });
  const route = `/c/${profile}/core/configmaps/deep/linked?ns=deep`;
  await f.restart({ route });
  await f.page.locator('[data-testid="detail-panel"][data-kind="ConfigMap"][data-name="linked"]').waitFor({ timeout: 20_000 });
  assert.equal(await f.page.getByTestId('resource-list').getAttribute('data-kind'), 'ConfigMap');
  assert.equal(await hash(), `#${route}`, 'the address bar shows the route, not the token');
  assert.ok(!f.page.url().includes('skiff-launch'), 'the token left the URL');
});

test('`skiff app --open <route>` prints a link that opens there', { timeout: 60_000 }, async () => {
  const route = `#/c/${profile}/core/namespaces?ns=deep`;
  cli = spawn(process.execPath, [BIN, 'app', '--web', '--no-open', '--port', '0', '--open', route, '--data-dir', f.dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' },
  });
  let out = '';
  cli.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  cli.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const link = await waitFor('the launch link', () => Promise.resolve(/running at (\S+)/.exec(out)?.[1]), 45_000, 100);
  assert.equal(new URL(link).searchParams.get('route'), route.slice(1), `the link carries the route: ${link}`);
  const page = await f.browser.newPage();
  try {
    await goto(page, link);
    await page.locator('[data-testid="resource-list"][data-kind="Namespace"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.evaluate(() => location.hash), route);
  } finally {
    await page.close();
  }
  const bad = spawn(process.execPath, [BIN, 'app', '--web', '--open', 'pods'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  bad.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise((r) => bad.on('exit', r));
  assert.equal(code, 1);
  assert.match(err, /invalid --open "pods"; a route looks like/);
});
