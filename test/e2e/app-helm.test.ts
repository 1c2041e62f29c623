// Helm releases in the app (issue 14), read-only from Helm's own records: real Helm 3 and Helm 4
// binaries install a `helm create` chart into a simulated cluster (Helm 3 also upgrades it), and
// the releases view lists both with revision, chart, app version and status; the panel shows the
// history and each revision's values. axe finds nothing serious there either. With helm on the
// app's PATH, the panel rolls a release back and uninstalls one, each after a confirmation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { locateHelm } from '../testing/helm-binary';
import { helmRunner } from '../testing/helm-run';
import { waitFor } from '../wait-for';
import { startAppFixture, startClusterThroughApp, type AppFixture } from './app-fixture';
import { seriousViolations } from './axe';
import { screenshot, reload, goto } from './browser';

const CLUSTER = 'helmui';
let helm3: string | undefined;
let helm4: string | undefined;
let f: AppFixture | undefined;
let page: Page;
let profile = '';

before(async () => {
  [helm3, helm4] = await Promise.all([locateHelm(3), locateHelm(4)]);
  if ((!helm3 || !helm4) && process.env.SKIFF_REQUIRE_DOCKER) throw new Error('Helm 3 and 4 binaries could not be obtained');
  if (!helm3 || !helm4) return;
  // The app finds helm on its PATH (Helm 3 here), as a user's would.
  f = await startAppFixture({ PATH: `${dirname(helm3)}:${process.env.PATH ?? ''}` });
  page = f.page;
  page.setDefaultTimeout(10_000);
  profile = await startClusterThroughApp(f, CLUSTER);
  const cluster = { dir: join(f.dataDir, CLUSTER), kubeconfig: join(f.dataDir, CLUSTER, 'kubeconfig') };
  const h3 = helmRunner(helm3, cluster);
  const h4 = helmRunner(helm4, cluster);
  const chart = join(cluster.dir, 'demo');
  await h3.helmOk(['create', chart]);
  await h3.helmOk(['install', 'web', chart, '--namespace', 'shop', '--create-namespace']);
  await h3.helmOk(['upgrade', 'web', chart, '--namespace', 'shop', '--set', 'replicaCount=3']);
  await h4.helmOk(['install', 'api', chart, '--namespace', 'default', '--set', 'image.tag=1.27']);
});
after(async () => {
  if (f) await screenshot(page, 'helm-last');
  await f?.close();
});

void test('Helm releases: both Helm versions listed with revision, chart, app version and status; the panel shows history and values', async (t) => {
  if (!f) return t.skip('Helm binaries not available');
  await goto(page, `${f.url}/#/c/${profile}`);
  await page.getByTestId('nav-helm-releases').click();
  const row = (name: string) => page.locator(`[data-testid="helm-row"][data-name="${name}"]`);
  await row('web').waitFor({ timeout: 20_000 });
  await row('api').waitFor();
  const cells = async (name: string) =>
    row(name)
      .locator('td')
      .evaluateAll((tds) => tds.slice(0, 6).map((td) => td.textContent?.trim()));
  assert.deepEqual(await cells('web'), ['web', 'shop', '2', 'demo-0.1.0', '1.16.0', 'deployed']);
  assert.deepEqual(await cells('api'), ['api', 'default', '1', 'demo-0.1.0', '1.16.0', 'deployed']);
  assert.equal(await page.evaluate(() => location.hash), `#/c/${profile}/helm`);

  await row('web').getByTestId('helm-open').click();
  const panel = page.getByTestId('helm-panel');
  await panel.locator('[data-testid="helm-history-row"]').nth(1).waitFor();
  const history = await panel
    .getByTestId('helm-history-row')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent?.trim())));
  assert.deepEqual(history, [
    ['2', 'deployed'],
    ['1', 'superseded'],
  ]);
  await waitFor('the values of revision 2', async () => /replicaCount: 3/.test(await panel.getByTestId('helm-text').innerText()), 5000);
  await panel.getByRole('button', { name: 'Show revision 1' }).click();
  await waitFor('revision 1 has no values', async () => /no values set/.test(await panel.getByTestId('helm-text').innerText()), 5000);
  await panel.getByTestId('helm-manifest').click();
  assert.match(await panel.getByTestId('helm-text').innerText(), /kind: Deployment/);
  // A deep link: the route names the release.
  assert.equal(await page.evaluate(() => location.hash), `#/c/${profile}/helm/shop/web`);
  await reload(page);
  await page.locator('[data-testid="helm-panel"][data-name="web"]').waitFor({ timeout: 20_000 });
  await screenshot(page, 'helm-releases');
  assert.deepEqual(await seriousViolations(page, 'helm releases'), []);
});

void test('with helm on PATH: roll back a release to an older revision and uninstall another, each after a confirmation', async (t) => {
  if (!f) return t.skip('Helm binaries not available');
  const fx = f;
  const api = async (path: string) => fx.page.request.get(`${fx.url}/k8s/${profile}${path}`);
  const replicas = async () =>
    ((await (await api('/apis/apps/v1/namespaces/shop/deployments/web-demo')).json()) as { spec: { replicas: number } }).spec.replicas;
  assert.equal(await replicas(), 3, 'revision 2 set 3 replicas');
  await goto(page, `${fx.url}/#/c/${profile}/helm/shop/web`);
  const panel = page.locator('[data-testid="helm-panel"][data-name="web"]');
  await panel.locator('[data-testid="helm-history-row"][data-revision="1"]').waitFor({ timeout: 20_000 });
  assert.match(await page.getByTestId('helm-mode').innerText(), /Roll back and uninstall through helm v3/);
  assert.equal(
    await panel.locator('[data-testid="helm-history-row"][data-revision="2"] [data-testid="helm-rollback"]').count(),
    0,
    'no rollback to the current revision',
  );

  await panel.locator('[data-testid="helm-history-row"][data-revision="1"] [data-testid="helm-rollback"]').click();
  const confirm = page.getByTestId('confirm-dialog');
  assert.match(await confirm.getByTestId('helm-rollback-summary').innerText(), /new revision 3 \("Rollback to 1"\)/);
  await screenshot(page, 'helm-rollback-confirm');
  await confirm.getByTestId('confirm-button').click();
  await confirm.waitFor({ state: 'detached', timeout: 60_000 });
  await panel.locator('[data-testid="helm-history-row"][data-revision="3"]').waitFor({ timeout: 20_000 });
  assert.match(await panel.locator('[data-testid="helm-history-row"][data-revision="3"]').innerText(), /deployed[\s\S]*Rollback to 1/);
  await waitFor('the Deployment back at 1 replica', async () => (await replicas()) === 1, 10_000);

  await goto(page, `${fx.url}/#/c/${profile}/helm/default/api`);
  const apiPanel = page.locator('[data-testid="helm-panel"][data-name="api"]');
  await apiPanel.getByTestId('helm-uninstall').click();
  assert.match(await confirm.getByTestId('helm-uninstall-objects').innerText(), /Deployment api-demo/);
  await confirm.getByTestId('confirm-button').click();
  await confirm.waitFor({ state: 'detached', timeout: 60_000 });
  await page.locator('[data-testid="helm-row"][data-name="api"]').waitFor({ state: 'detached', timeout: 20_000 });
  assert.equal((await api('/apis/apps/v1/namespaces/default/deployments/api-demo')).status(), 404, "the release's objects are gone");
  const records = (await (await api('/api/v1/namespaces/default/secrets?labelSelector=owner%3Dhelm,name%3Dapi')).json()) as {
    items: unknown[];
  };
  assert.equal(records.items.length, 0, 'and its release records');
  assert.equal(await page.locator('[data-testid="helm-row"][data-name="web"]').count(), 1, 'the other release stays');
});

void test('with helm on PATH: upgrade a release with edited values (its own chart, from the release record)', async (t) => {
  if (!f) return t.skip('Helm binaries not available');
  const fx = f;
  const api = async (path: string) => fx.page.request.get(`${fx.url}/k8s/${profile}${path}`);
  const replicas = async () =>
    ((await (await api('/apis/apps/v1/namespaces/shop/deployments/web-demo')).json()) as { spec: { replicas: number } }).spec.replicas;
  await goto(page, `${fx.url}/#/c/${profile}/helm/shop/web`);
  const panel = page.locator('[data-testid="helm-panel"][data-name="web"]');
  await panel.locator('[data-testid="helm-history-row"][data-revision="3"]').waitFor({ timeout: 20_000 });
  const before = await replicas();
  await panel.getByTestId('helm-upgrade').click();
  const confirm = page.getByTestId('confirm-dialog');
  assert.match(await confirm.innerText(), /chart demo-0\.1\.0 .*revision 4/s);
  const values = confirm.getByTestId('helm-upgrade-values');
  await values.fill('replicaCount: 2\nservice:\n  port: 8080\n');
  // Enter in the values is a new line, not a confirmation.
  await values.press('End');
  await values.press('Enter');
  assert.equal(await confirm.count(), 1);
  await screenshot(page, 'helm-upgrade-values');
  await confirm.getByTestId('confirm-button').click();
  await confirm.waitFor({ state: 'detached', timeout: 60_000 });
  await panel.locator('[data-testid="helm-history-row"][data-revision="4"]').waitFor({ timeout: 20_000 });
  assert.match(await panel.locator('[data-testid="helm-history-row"][data-revision="4"]').innerText(), /deployed[\s\S]*Upgrade complete/);
  await waitFor('the Deployment at 2 replicas', async () => (await replicas()) === 2, 10_000);
  assert.notEqual(before, 2);
  const svc = (await (await api('/api/v1/namespaces/shop/services/web-demo')).json()) as { spec: { ports: Array<{ port: number }> } };
  assert.equal(svc.spec.ports[0].port, 8080, 'the edited values reached the chart');
  await waitFor('the values of revision 4', async () => /replicaCount: 2/.test(await panel.getByTestId('helm-text').innerText()), 5000);

  // Values that are not a mapping are refused by the host, said in the dialog, and nothing changes.
  await panel.getByTestId('helm-upgrade').click();
  await confirm.getByTestId('helm-upgrade-values').fill('- just\n- a list\n');
  await confirm.getByTestId('confirm-button').click();
  await waitFor('the refusal', async () => /must be a YAML mapping/.test(await confirm.innerText()), 10_000);
  await page.keyboard.press('Escape');
  assert.equal(await panel.locator('[data-testid="helm-history-row"][data-revision="5"]').count(), 0);
});
