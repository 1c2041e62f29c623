// The cluster process killed under the app (kill -9, a crash): the app says so at once, in words,
// with the way back, and Start brings the same cluster back. Simulated nodes (no Docker for
// this app), since what is tested is the app's notice, not Docker's containers (the host test
// cluster-manager.test.ts and the chaos tests cover adoption).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startAppFixture, type AppFixture } from './app-fixture';
import { reload, screenshot } from './browser';
import { waitFor } from '../wait-for';
import { isAlive, readPid } from '../../engine/cluster/pid-file';

let f: AppFixture;

before(async () => {
  process.env.DOCKER_HOST = 'unix:///nonexistent/skiff-test/docker.sock'; // simulated nodes
  f = await startAppFixture();
});
after(async () => {
  if (f) await screenshot(f.page, 'crash-notice-last');
  await f?.close();
});

test('kill -9 of the cluster process: the app says it stopped unexpectedly, and Start brings it back', { timeout: 180_000 }, async () => {
  const page = f.page;
  await page.getByTestId('start-cluster').click({ timeout: 15_000 });
  await page.locator('[data-testid="node-row"][data-ready="true"]').first().waitFor({ timeout: 90_000 });
  // The overview shows as soon as the API answers, with a "starting" notice until the start ends.
  await page.getByTestId('cluster-down').waitFor({ state: 'detached', timeout: 30_000 });
  const pid = readPid(join(f.dataDir, 'local', 'skiff.pid'));
  assert.ok(pid, 'the cluster process wrote its pid file');

  const killedAt = Date.now();
  process.kill(pid, 'SIGKILL');
  const notice = page.getByTestId('cluster-down');
  await notice.waitFor({ timeout: 10_000 });
  console.log(`# kill -9 shown in the app after ${Date.now() - killedAt} ms (floor 2,000 ms)`);
  const text = await notice.innerText();
  assert.match(text, /Cluster local is failed: The cluster process \(pid \d+\) exited unexpectedly: it was killed or crashed/);
  assert.match(text, /Start brings the cluster back/);
  await screenshot(page, 'crash-notice-01-crashed');

  await page.getByTestId('cluster-down-start').click();
  // The overview comes back while the start still runs (under a "starting" notice): wait for
  // the start to end, then for the notice to go and the node to show Ready.
  const clusters = async () =>
    ((await (await page.request.get(`${f.url}/api/clusters`)).json()) as { name: string; state: string; crashed?: boolean }[]).map((c) => [
      c.name,
      c.state,
      c.crashed,
    ]);
  await waitFor('the cluster to run again', async () => (await clusters())[0]?.[1] === 'running', 90_000, 100);
  await notice.waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator('[data-testid="node-row"][data-ready="true"]').first().waitFor({ timeout: 30_000 });
  assert.deepEqual(await clusters(), [['local', 'running', undefined]]);
  await screenshot(page, 'crash-notice-02-back');
});

test(
  'the "restart clusters that crash" setting: set on the crash notice, kept across a reload, and a kill -9 then restarts the cluster by itself',
  { timeout: 180_000 },
  async () => {
    const page = f.page;
    const pidPath = join(f.dataDir, 'local', 'skiff.pid');
    const settings = async () =>
      ((await (await page.request.get(`${f.url}/api/settings`)).json()) as { restartCrashedClusters: boolean }).restartCrashedClusters;
    const clusterState = async () =>
      (await (await page.request.get(`${f.url}/api/clusters/local`)).json()) as { state: string; crashed?: boolean };
    // The running cluster's own pid (the file is rewritten once the new process runs).
    const runningPid = async (notPid?: number) => {
      let pid: number | undefined;
      await waitFor(
        'the cluster process to run',
        async () => {
          pid = readPid(pidPath);
          return (await clusterState()).state === 'running' && pid !== undefined && pid !== notPid && isAlive(pid);
        },
        90_000,
        100,
      );
      return pid!;
    };
    assert.equal(await settings(), false, 'off by default');

    // Crash it once more: the notice offers the setting.
    const pid = await runningPid();
    process.kill(pid, 'SIGKILL');
    const box = page.getByTestId('setting-restart-crashed-checkbox');
    await box.waitFor({ timeout: 10_000 });
    assert.equal(await box.isChecked(), false);
    await box.check();
    await waitFor('the setting to be saved', async () => (await settings()) === true, 10_000, 100);
    await screenshot(page, 'crash-notice-03-setting');
    await page.getByTestId('cluster-down-start').click();
    const pid2 = await runningPid(pid);

    // Kept by the host: after a reload the cluster's menu shows it on.
    await reload(page);
    await page.getByTestId('cluster-menu-local').click();
    const item = page.getByTestId('setting-restart-crashed');
    await waitFor('the menu item to show the setting', async () => (await item.getAttribute('aria-checked')) === 'true', 10_000, 100);
    await page.keyboard.press('Escape');

    // Now a kill -9 is followed by a restart, not by the crash notice.
    process.kill(pid2, 'SIGKILL');
    const seen = new Set<string>();
    const watcher = setInterval(() => void clusterState().then((c) => seen.add(c.crashed ? `${c.state} (crashed)` : c.state)), 100);
    try {
      await runningPid(pid2).catch((e: Error) => {
        throw new Error(`${e.message}; states seen since the kill: ${[...seen].join(', ')}`);
      });
    } finally {
      clearInterval(watcher);
    }
    assert.ok(![...seen].some((s) => s.includes('crashed')), `never shown as crashed: ${[...seen].join(', ')}`);
    await screenshot(page, 'crash-notice-04-restarted');

    // Off again from the menu.
    await page.getByTestId('cluster-menu-local').click();
    await page.getByTestId('setting-restart-crashed').click();
    await waitFor('the setting to be off', async () => (await settings()) === false, 10_000, 100);
  },
);
