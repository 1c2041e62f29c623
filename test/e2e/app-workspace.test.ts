// A durable workspace (issue 14) against one Docker-backed cluster started through the app:
// the URL follows the view (back and forward work), and a reload or an app restart brings back
// the view, the URL, the dock tabs (a pod shell as a new session marked "reconnected" under its
// kept screen, answering echo) and the editor's unapplied text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { describeDocker } from '../docker/docker-available';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import { startAppFixture, type AppFixture } from './app-fixture';
import { screenshot, reload } from './browser';
import { waitFor } from '../wait-for';

const CLUSTER = 'wsp';
const PROFILE = `skiff-${CLUSTER}`;
const POD = 'keeper';
const POD_ROUTE = `#/c/${PROFILE}/core/pods/default/${POD}`;
const DRAFT = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: never-applied\ndata:\n  note: typed-before-reload\n';
const until = (what: string, fn: () => Promise<boolean>, timeoutMs = 20_000) => waitFor(what, fn, timeoutMs, 150);

const shownTerminal = (page: Page) => page.locator('[data-testid="terminal"]:not([hidden])');
const terminalText = (page: Page) => shownTerminal(page).locator('.xterm-rows').innerText();
async function typeInShell(page: Page, command: string, expect: string): Promise<void> {
  await page.locator('[data-testid="terminal"][data-state="open"]:not([hidden])').waitFor({ timeout: 20_000 });
  await shownTerminal(page).locator('.xterm').click();
  await page.keyboard.type(`${command}\n`);
  await until(`"${expect}" in the terminal`, async () => (await terminalText(page)).includes(expect));
}

await describeDocker('a durable workspace: the app with a Docker node', () => {
  let f: AppFixture;
  let page: Page;
  const hash = () => page.evaluate(() => location.hash);
  const editorText = () => page.locator('[data-testid="yaml-editor"] .cm-content').innerText();

  /** What a reload and a restart must both bring back. */
  async function assertRestored(when: string, lastOutput: string): Promise<void> {
    await page.locator(`[data-testid="detail-panel"][data-name="${POD}"]`).waitFor({ timeout: 30_000 });
    assert.equal(await hash(), POD_ROUTE, `${when}: the URL`);
    const tabs = await page.getByTestId('dock-tab').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    assert.deepEqual(tabs, ['logs', 'shell'], `${when}: the dock tabs`);
    await page.getByTestId('yaml-editor').waitFor();
    await until(`${when}: the draft in the editor`, async () => (await editorText()).includes('typed-before-reload'));
    await page.getByTestId('editor-close').click();
    await page.getByTestId('confirm-button').click(); // discarding asks: the text is unapplied
    await page.getByTestId('dock-tab').nth(1).click();
    await page.locator('[data-testid="terminal"][data-reconnected="true"]:not([hidden])').waitFor();
    const screen = await terminalText(page);
    assert.ok(screen.includes(lastOutput) && screen.includes('[reconnected'), `${when}: the shell's old screen:\n${screen}`);
  }

  before(async () => {
    await ensureTestImages();
    f = await startAppFixture({ SKIFF_DEFAULT_IMAGE: BUSYBOX_IMAGE, SKIFF_SANDBOX_IMAGE: PAUSE_IMAGE });
    page = f.page;
    page.setDefaultTimeout(10_000);
    const res = await page.request.post(`${f.url}/api/clusters`, { data: { name: CLUSTER, nodes: 1, runtime: 'docker' } });
    assert.equal(res.status(), 202, await res.text());
    await until(
      'the cluster to run',
      async () => {
        const list = (await (await page.request.get(`${f.url}/api/clusters`)).json()) as { name: string; state: string }[];
        return list.find((c) => c.name === CLUSTER)?.state === 'running';
      },
      90_000,
    );
    const pod = await page.request.post(`${f.url}/k8s/${PROFILE}/api/v1/namespaces/default/pods`, {
      data: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: POD },
        spec: { containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo started; sleep 3600'] }] },
      },
    });
    assert.equal(pod.status(), 201, await pod.text());
    await reload(page); // the page opened before the cluster existed: land on its overview
    await page.locator('[data-testid="node-row"][data-ready="true"]').first().waitFor({ timeout: 90_000 });
  });
  after(async () => {
    if (page) await screenshot(page, 'workspace-last');
    await f?.close();
  });

  void test('the URL follows the view; back and forward move between views', async () => {
    assert.equal(await hash(), `#/c/${PROFILE}`);
    await page.getByTestId('nav-pods').click();
    await until('the pods route', async () => (await hash()) === `#/c/${PROFILE}/core/pods`);
    const row = page.locator(`[data-testid="row"][data-name="${POD}"]`);
    await row.click();
    await until('the pod route', async () => (await hash()) === POD_ROUTE);
    await page.goBack();
    await until('back: the list without the panel', async () => (await page.getByTestId('detail-panel').count()) === 0);
    assert.equal(await hash(), `#/c/${PROFILE}/core/pods`);
    await page.goBack();
    await page.getByTestId('overview').waitFor();
    await page.goForward();
    await page.goForward();
    await page.locator(`[data-testid="detail-panel"][data-name="${POD}"]`).waitFor();
    assert.equal(await hash(), POD_ROUTE);
  });

  void test('a reload and an app restart bring back the view, the URL, the dock tabs, the shell and the unapplied editor text', async () => {
    const panel = page.locator(`[data-testid="detail-panel"][data-name="${POD}"]`);
    await until('the pod to run', async () => (await panel.getByTestId('action-shell').isEnabled()) === true, 60_000);
    await panel.getByTestId('action-logs').click();
    await panel.getByTestId('action-shell').click();
    await typeInShell(page, 'echo kept-from-before', 'kept-from-before');
    await page.getByTestId('nav-configmaps').click();
    await page.getByTestId('create-button').click();
    const content = page.locator('[data-testid="yaml-editor"] .cm-content');
    await content.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(DRAFT);
    // Back to the pod with the editor open (unapplied text keeps it open across navigation).
    await page.goBack();
    await until('back on the pod', async () => (await hash()) === POD_ROUTE);
    // Saved within a moment of the last change; the host's copy is what comes back.
    await until('the host to hold the draft', async () => {
      const ws = (await (await page.request.get(`${f.url}/api/workspace`)).json()) as { editor?: { draft?: string }; route?: string };
      return ws.editor?.draft === DRAFT && `#${ws.route}` === POD_ROUTE;
    });
    await screenshot(page, 'workspace-01-before-reload');

    await reload(page);
    await assertRestored('after a reload', 'kept-from-before');
    await typeInShell(page, 'echo after-reload-$((6*7))', 'after-reload-42');
    await screenshot(page, 'workspace-02-after-reload');

    // Type a new draft again, then restart the host: a new launch, a new session, the same data dir.
    await page.getByTestId('nav-configmaps').click();
    await page.getByTestId('create-button').click();
    await content.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(DRAFT);
    await page.goBack();
    await until('the host to hold the draft again', async () => {
      const ws = (await (await page.request.get(`${f.url}/api/workspace`)).json()) as { editor?: { draft?: string }; route?: string };
      return ws.editor?.draft === DRAFT && `#${ws.route}` === POD_ROUTE;
    });
    await f.restart();
    await assertRestored('after an app restart', 'after-reload-42');
    await typeInShell(page, 'echo after-restart-$((6*8))', 'after-restart-48');
    await screenshot(page, 'workspace-03-after-restart');
  });

  void test('keyboard only: the palette to pods, / to filter, Enter opens the pod, l its logs, s a shell, d asks to delete (focus kept inside)', async () => {
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('ControlOrMeta+K');
    await page.getByTestId('palette-input').waitFor();
    await page.keyboard.type('Pods');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="resource-list"][data-kind="Pod"]').waitFor();
    await until('the table to take the keys', async () => (await focused()) === 'table');
    await page.keyboard.press('/');
    assert.equal(await focused(), 'list-filter');
    await page.keyboard.type(POD);
    await page.keyboard.press('Enter');
    assert.equal(await focused(), 'table');
    assert.equal(await page.locator('[data-testid="row"][data-cursor="true"]').getAttribute('data-name'), POD);
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid="detail-panel"][data-name="${POD}"]`).waitFor();

    await page.keyboard.press('l');
    await page.locator('[data-testid="dock-tab"][data-type="logs"][aria-selected="true"]').waitFor();
    await page.locator('[data-testid="log-view"]:not([hidden]) [data-testid="log-line"]', { hasText: 'started' }).first().waitFor();
    const shells = await page.locator('[data-testid="dock-tab"][data-type="shell"]').count();
    await page.keyboard.press('s');
    await until('a new shell tab', async () => (await page.locator('[data-testid="dock-tab"][data-type="shell"]').count()) === shells + 1);
    await page.locator('[data-testid="terminal"][data-state="open"]:not([hidden])').waitFor({ timeout: 20_000 });
    await until(
      'the shell to take the keys',
      async () => (await page.evaluate(() => !!document.activeElement?.closest('.xterm'))) === true,
    );
    await page.keyboard.type('echo kb-$((2*21))\n');
    await until('the shell to answer', async () => (await terminalText(page)).includes('kb-42'));
    await screenshot(page, 'workspace-04-keyboard-shell');

    // Back to the list by the palette (Shift: plain Ctrl+K stays the shell's), then d: the
    // confirmation keeps focus inside; Esc keeps the pod.
    await page.keyboard.press('ControlOrMeta+Shift+K');
    await page.getByTestId('palette-input').waitFor();
    await page.keyboard.type('Pods');
    await page.keyboard.press('Enter');
    await until('the table to take the keys again', async () => (await focused()) === 'table');
    await page.keyboard.press('d');
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press(i % 2 ? 'Shift+Tab' : 'Tab');
      assert.ok(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="confirm-dialog"]')), `Tab ${i} left the dialog`);
    }
    await page.keyboard.press('Escape');
    await until('the dialog to close', async () => (await dialog.count()) === 0);
    const res = await page.request.get(`${f.url}/k8s/${PROFILE}/api/v1/namespaces/default/pods/${POD}`);
    assert.equal(res.status(), 200);
  });
});
