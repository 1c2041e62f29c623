// The cluster process killed under the app (kill -9, a crash): the app says so at once, in words,
// with the way back, and Start brings the same cluster back. Simulated nodes (no Docker for
// this app), since what is tested is the app's notice, not Docker's containers (the host test
// cluster-manager.test.ts and the chaos tests cover adoption).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startAppFixture, type AppFixture } from './app-fixture';
import { screenshot } from './browser';
import { readPid } from '../../engine/cluster/pid-file';

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
  await notice.waitFor({ state: 'detached', timeout: 90_000 });
  await page.locator('[data-testid="node-row"][data-ready="true"]').first().waitFor({ timeout: 30_000 });
  const clusters = (await (await page.request.get(`${f.url}/api/clusters`)).json()) as { name: string; state: string; crashed?: boolean }[];
  assert.deepEqual(
    clusters.map((c) => [c.name, c.state, c.crashed]),
    [['local', 'running', undefined]],
  );
  await screenshot(page, 'crash-notice-02-back');
});
