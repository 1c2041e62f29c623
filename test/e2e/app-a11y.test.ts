// Accessibility (issue 14): axe-core finds no serious or critical violation on the overview,
// the pods list, a pod's panel, the editor, the dock and the import dialog, in light and dark,
// against one simulated cluster started through the app.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startAppFixture, startClusterThroughApp, type AppFixture } from './app-fixture';
import { seriousViolations } from './axe';
import { screenshot, reload, goto } from './browser';
import { waitFor } from '../wait-for';

const CLUSTER = 'a11y';
const PROFILE = `skiff-${CLUSTER}`;
let f: AppFixture;
let page: Page;

const serious = (where: string) => seriousViolations(page, where);

before(async () => {
  f = await startAppFixture();
  page = f.page;
  page.setDefaultTimeout(10_000);
  await startClusterThroughApp(f, CLUSTER);
  const pod = await page.request.post(`${f.url}/k8s/${PROFILE}/api/v1/namespaces/default/pods`, {
    data: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'seen' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
  });
  assert.equal(pod.status(), 201, await pod.text());
  await reload(page);
  await page.locator('[data-testid="node-row"][data-ready="true"]').first().waitFor({ timeout: 60_000 });
});
after(async () => {
  if (page) await screenshot(page, 'a11y-last');
  await f?.close();
});

for (const scheme of ['light', 'dark'] as const) {
  void test(`axe: no serious or critical violations (${scheme})`, async () => {
    await page.emulateMedia({ colorScheme: scheme });
    await goto(page, `${f.url}/#/c/${PROFILE}`);
    await page.getByTestId('overview').waitFor();
    const found = await serious('overview');
    await page.getByTestId('nav-pods').click();
    await page.locator('[data-testid="row"][data-name="seen"]').waitFor();
    found.push(...(await serious('pods list')));
    await page.locator('[data-testid="row"][data-name="seen"]').click();
    await page.locator('[data-testid="detail-panel"][data-name="seen"]').waitFor();
    await page.getByTestId('action-logs').click();
    await page.getByTestId('log-view').waitFor();
    // A shell in the dock too: a local terminal (the simulated pod has no container to exec into).
    await page.getByTestId('dock-new-terminal').click();
    await page.locator('[data-testid="terminal"][data-kind="local"][data-state="open"]:not([hidden])').waitFor({ timeout: 20_000 });
    found.push(...(await serious('pod panel and dock with a shell')));
    await page.getByTestId('create-button').click();
    await page.getByTestId('yaml-editor').waitFor();
    found.push(...(await serious('editor')));
    await page.getByTestId('editor-close').click();
    await page.getByTestId('import-button').click();
    await page.getByTestId('import-dialog').waitFor();
    found.push(...(await serious('import dialog')));
    await screenshot(page, `a11y-${scheme}`);
    await page.keyboard.press('Escape');
    assert.deepEqual(found, []);
  });
}

// The dock's tabs follow the tabs pattern without a nested button: arrows move between tabs,
// Delete closes the focused one (the × beside each tab is for the mouse).
void test('dock tabs: arrow keys switch, Delete closes', async () => {
  const tabs = page.getByTestId('dock-tab');
  const count = await tabs.count();
  assert.ok(count >= 2, `two dock tabs are open (${count})`);
  await tabs.first().focus();
  await tabs.first().press('Enter');
  await page.keyboard.press('ArrowRight');
  await waitFor('the second tab to be selected and focused', async () =>
    tabs.nth(1).evaluate((el) => el.getAttribute('aria-selected') === 'true' && document.activeElement === el),
  );
  const title = await tabs.nth(1).getAttribute('data-title');
  await page.keyboard.press('Delete');
  await waitFor('the tab to close', async () => (await tabs.count()) === count - 1);
  assert.equal(await page.locator(`[data-testid="dock-tab"][data-title="${title}"]`).count(), 0);
  await waitFor('focus on a remaining tab', async () => page.evaluate(() => document.activeElement?.getAttribute('role') === 'tab'));
});
