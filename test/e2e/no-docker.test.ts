// A fresh machine without Docker still ends in a working app: the first screen says Docker is
// missing and how to start it, and "Start local cluster" gives a cluster of simulated nodes,
// labelled as such.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAppFixture, type AppFixture } from './app-fixture';
import { screenshot } from './browser';

let f: AppFixture;

before(async () => {
  process.env.DOCKER_HOST = 'unix:///nonexistent/skiff-test/docker.sock'; // no Docker for this app or its clusters
  f = await startAppFixture();
});
after(async () => {
  if (f) await screenshot(f.page, 'no-docker-last');
  await f?.close();
});

test('no Docker: the notice says how to start it, and the cluster gets simulated nodes', { timeout: 90_000 }, async () => {
  const page = f.page;
  const notice = page.getByTestId('docker-missing');
  await notice.waitFor({ timeout: 15_000 });
  assert.match(await notice.innerText(), /Docker/);
  await screenshot(page, 'no-docker-01-first-run');
  await page.getByTestId('start-cluster').click();
  await page.locator('[data-testid="node-row"][data-ready="true"]').first().waitFor({ timeout: 60_000 });
  // The node shows Ready under a "starting" notice; the start ends just after.
  await page.getByTestId('cluster-down').waitFor({ state: 'detached', timeout: 30_000 });
  await page.getByTestId('simulated-tag').first().waitFor({ timeout: 10_000 }); // the sidebar says so
  const clusters = (await (await page.request.get(`${f.url}/api/clusters`)).json()) as { name: string; state: string; runtime?: string }[];
  assert.deepEqual(
    clusters.map((c) => [c.name, c.state, c.runtime]),
    [['local', 'running', 'simulated']],
  );
  await screenshot(page, 'no-docker-02-overview');
});
