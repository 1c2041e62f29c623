// Bulk actions in a list (issue 14): rows marked by checkbox, Ctrl+click or Space; one
// confirmation lists them; delete 3 pods, scale 2 Deployments; axe finds nothing serious in the
// dialog. Against one simulated cluster started through the app.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { waitFor } from '../wait-for';
import { startAppFixture, startClusterThroughApp, type AppFixture } from './app-fixture';
import { seriousViolations } from './axe';
import { screenshot, goto } from './browser';

let f: AppFixture;
let page: Page;
let profile = '';
const until = (what: string, fn: () => Promise<boolean>) => waitFor(what, fn, 20_000, 100);
const row = (name: string) => page.locator(`[data-testid="row"][data-name="${name}"]`);

async function create(path: string, body: object): Promise<void> {
  const res = await page.request.post(`${f.url}/k8s/${profile}${path}`, { data: body });
  assert.equal(res.status(), 201, await res.text());
}

before(async () => {
  f = await startAppFixture();
  page = f.page;
  page.setDefaultTimeout(10_000);
  profile = await startClusterThroughApp(f, 'bulk');
  for (const name of ['b1', 'b2', 'b3', 'keep'])
    await create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'main', image: 'busybox' }] },
    });
  for (const name of ['d1', 'd2'])
    await create('/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
      },
    });
});
after(async () => {
  if (page) await screenshot(page, 'bulk-last');
  await f?.close();
});

void test('bulk delete: three pods marked three ways, one confirmation listing them, all gone, the fourth kept', async () => {
  await goto(page, `${f.url}/#/c/${profile}/core/pods?ns=default`);
  await row('keep').waitFor({ timeout: 20_000 });
  await row('b1').getByTestId('row-mark').check();
  await row('b2').click({ modifiers: ['ControlOrMeta'] });
  // Space marks the cursor's row: open b3 (the cursor follows the open row), then mark it by key.
  await row('b3').click();
  await page.getByTestId('table').focus();
  await page.keyboard.press(' ');
  await until('3 marked', async () => (await page.getByTestId('bulk-count').innerText()) === '3 marked');
  await page.getByTestId('bulk-delete').click();
  const items = await page.getByTestId('bulk-item').allInnerTexts();
  assert.deepEqual(items.map((t) => t.replace('default/', '')).sort(), ['b1', 'b2', 'b3']);
  assert.match(await page.getByTestId('confirm-dialog').locator('h2').innerText(), /Delete 3 pods\?/);
  assert.deepEqual(await seriousViolations(page, 'bulk dialog'), []);
  await screenshot(page, 'bulk-delete-confirm');
  await page.getByTestId('confirm-button').click();
  await until('the three rows to go', async () => (await page.locator('[data-testid="row"][data-name^="b"]').count()) === 0);
  assert.equal(await row('keep').count(), 1);
  assert.equal(await page.getByTestId('bulk-bar').count(), 0, 'no marks left');
  for (const name of ['b1', 'b2', 'b3']) {
    const res = await page.request.get(`${f.url}/k8s/${profile}/api/v1/namespaces/default/pods/${name}`);
    // Simulated pods finish terminating at once or shortly; either way the API no longer lists them as live.
    assert.ok(res.status() === 404 || ((await res.json()) as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp);
  }
});

void test('bulk scale: two Deployments marked with "mark all", scaled to 3 in one go', async () => {
  await goto(page, `${f.url}/#/c/${profile}/apps/deployments?ns=default`);
  await row('d2').waitFor({ timeout: 20_000 });
  await page.getByTestId('mark-all').check();
  await until('2 marked', async () => (await page.getByTestId('bulk-count').innerText()) === '2 marked');
  await page.getByTestId('bulk-scale').click();
  await page.getByTestId('bulk-replicas').fill('3');
  await page.getByTestId('confirm-button').click();
  await page.getByTestId('confirm-dialog').waitFor({ state: 'detached' });
  for (const name of ['d1', 'd2']) {
    const d = (await (await page.request.get(`${f.url}/k8s/${profile}/apis/apps/v1/namespaces/default/deployments/${name}`)).json()) as {
      spec: { replicas: number };
    };
    assert.equal(d.spec.replicas, 3, name);
  }
});

void test('the palette finds objects of any kind by name, not only the list on screen', async () => {
  await goto(page, `${f.url}/#/c/${profile}/core/pods?ns=default`);
  await row('keep').waitFor({ timeout: 20_000 });
  await page.keyboard.press('ControlOrMeta+K');
  await page.getByTestId('palette-input').fill('d2');
  const hit = page.getByTestId('palette-item').filter({ hasText: 'Deployment in default' });
  await until('the Deployment d2 among the results', async () => (await hit.count()) > 0);
  assert.match(await hit.first().innerText(), /^d2\b/);
  await hit.first().click();
  await page.locator('[data-testid="detail-panel"][data-kind="Deployment"][data-name="d2"]').waitFor();
  assert.equal(await page.evaluate(() => location.hash), `#/c/${profile}/apps/deployments/default/d2?ns=default`);
});
