// The app's first session, clicked through in Chromium against browser mode with a real Docker
// node: start a cluster, create a Deployment in the YAML editor, watch its pods, tail logs,
// open two shells, scale, delete, stop.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { describeDocker } from '../docker/docker-available';
import { startCutProxy } from '../testing/cut-proxy';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import { startAppFixture, type AppFixture } from './app-fixture';
import { screenshot } from './browser';
import { waitFor } from '../wait-for';

const DEPLOYMENT = (extra: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
${extra}  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: main
        image: ${BUSYBOX_IMAGE}
        command: ["sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done"]
`;

const rowsOf = (page: Page, prefix: string) => page.locator(`[data-testid="row"][data-name^="${prefix}"]`);

async function runningRows(page: Page, prefix: string): Promise<number> {
  return rowsOf(page, prefix).filter({ hasText: 'Running' }).count();
}

const until = (what: string, fn: () => Promise<boolean>, timeoutMs = 60_000) => waitFor(what, fn, timeoutMs, 250);

async function setEditorText(page: Page, text: string): Promise<void> {
  const content = page.locator('[data-testid="yaml-editor"] .cm-content');
  await content.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** The terminal on show (hidden tabs stay mounted). */
const shownTerminal = (page: Page) => page.locator('[data-testid="terminal"]:not([hidden])');

async function typeInShell(page: Page, command: string, expect: string): Promise<void> {
  await page.locator('[data-testid="terminal"][data-state="open"]:not([hidden])').waitFor({ timeout: 20_000 });
  await shownTerminal(page).locator('.xterm').click();
  await page.keyboard.type(`${command}\n`);
  await until(
    `"${expect}" in the terminal`,
    async () => (await shownTerminal(page).locator('.xterm-rows').innerText()).includes(expect),
    20_000,
  );
}

await describeDocker('the app, clicked through with a Docker node', async () => {
  let f: AppFixture;
  let page: Page;

  before(async () => {
    await ensureTestImages();
    f = await startAppFixture({ SKIFF_DEFAULT_IMAGE: BUSYBOX_IMAGE, SKIFF_SANDBOX_IMAGE: PAUSE_IMAGE });
    page = f.page;
  });
  after(async () => {
    if (page) await screenshot(page, 'app-flow-last');
    await f?.close();
  });

  test('start a local cluster from the empty state: progress, then the overview with the node Ready', async () => {
    await page.getByTestId('start-cluster').click();
    await page.getByTestId('progress').waitFor({ timeout: 10_000 });
    await screenshot(page, '01-progress');
    await page.locator('[data-testid="node-row"][data-ready="true"]').first().waitFor({ timeout: 90_000 });
    await screenshot(page, '02-overview');
  });

  test('create a Deployment from a template: an unknown field is an inline error; fixed, diffed and applied, 2 pods run', async () => {
    await page.getByTestId('nav-deployments').click();
    await page.getByTestId('create-button').click();
    await page.getByTestId('template-picker').selectOption({ label: 'Deployment' });
    await setEditorText(page, DEPLOYMENT('  replicaz: 3\n'));
    await page
      .getByTestId('editor-error')
      .filter({ hasText: /unknown field/i })
      .first()
      .waitFor({ timeout: 15_000 });
    await screenshot(page, '03-editor-error');

    await setEditorText(page, DEPLOYMENT(''));
    await until('the error to clear', async () => (await page.getByTestId('editor-error').count()) === 0, 15_000);
    await page.getByTestId('diff-button').click();
    await page.getByTestId('diff-view').waitFor({ timeout: 10_000 });
    await screenshot(page, '04-diff');
    await page.getByTestId('apply-button').click();
    await until('the created status', async () => /created/i.test(await page.getByTestId('editor-status').innerText()), 15_000);

    await page.getByTestId('nav-pods').click();
    await until('2 Running web pods', async () => (await runningRows(page, 'web-')) === 2, 90_000);
    await screenshot(page, '05-pods');
  });

  test('logs of a pod: new lines appear while watching', async () => {
    await rowsOf(page, 'web-').first().click();
    await page.getByTestId('detail-panel').waitFor();
    await page.getByTestId('action-logs').click();
    const view = page.getByTestId('log-view').last();
    let first = -1;
    await until(
      'a tick line',
      async () => {
        const ticks = [...(await view.innerText()).matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
        if (ticks.length) first = Math.max(...ticks);
        return ticks.length > 0;
      },
      30_000,
    );
    await until(
      'a later tick line',
      async () => {
        const ticks = [...(await view.innerText()).matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
        return Math.max(...ticks) >= first + 2;
      },
      30_000,
    );
    await screenshot(page, '06-logs');
  });

  test('logs: "Everything" reads from the start; a stream cut mid-way resumes with no repeated and no missing line', async () => {
    // The log requests go through a proxy that can cut them, as a dropped network would.
    const proxy = await startCutProxy(f.url, { 'sec-fetch-site': 'same-origin' });
    await page.route(/\/pods\/web-[^/]+\/log\?/, (route) => {
      const u = new URL(route.request().url());
      return route.continue({ url: proxy.url + u.pathname + u.search });
    });
    try {
      const view = page.getByTestId('log-view').last();
      const asked = page.waitForRequest((r) => /\/log\?/.test(r.url()) && !/tailLines=/.test(r.url()));
      await view.getByTestId('log-since').selectOption('all');
      await asked; // no tail: everything the node kept
      await until('the stream through the proxy', () => Promise.resolve(proxy.open() > 0), 20_000);
      const ticks = async () => [...(await view.innerText()).matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
      await until('tick 0 and a live tick', async () => (await ticks()).includes(0) && Math.max(...(await ticks())) >= 3, 30_000);
      const before = Math.max(...(await ticks()));
      assert.ok(proxy.cut() > 0, 'a log stream was cut');
      await until('ticks after the cut', async () => Math.max(...(await ticks())) >= before + 3, 30_000);
      const download = page.waitForEvent('download');
      await view.getByTestId('log-download').click();
      const text = readFileSync(await (await download).path(), 'utf8');
      const seen = [...text.matchAll(/ tick (\d+)$/gm)].map((m) => Number(m[1]));
      assert.deepEqual(
        seen,
        seen.map((_, i) => i),
        `every tick once, in order:\n${text}`,
      );
      assert.match(text, /retrying/, 'the log says it reconnected');
      // The choice is the tab's: kept with the workspace.
      const ws = (await (await page.request.get(`${f.url}/api/workspace`)).json()) as {
        dock?: { tabs: Array<{ type: string; since?: string }> };
      };
      assert.ok(
        ws.dock?.tabs.some((t) => t.type === 'logs' && t.since === 'all'),
        JSON.stringify(ws.dock),
      );
      await screenshot(page, '06b-logs-resumed');
    } finally {
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      await proxy.close();
    }
  });

  test('the pod detail charts its CPU and memory once metrics.k8s.io has samples', async () => {
    // The kubelet reports usage every ~10 s and the panel polls every 10 s.
    const name = await rowsOf(page, 'web-').first().getAttribute('data-name');
    await page.locator(`[data-testid="row"][data-name="${name}"]`).click();
    const panel = page.locator(`[data-testid="detail-panel"][data-name="${name}"]`);
    await panel.locator('[data-testid="sparkline"]').first().waitFor({ timeout: 60_000 });
    await screenshot(page, '06b-pod-usage');
  });

  test('two shell tabs on two pods; switching back, the first still works', async () => {
    await page.getByTestId('nav-pods').click();
    const names = (await rowsOf(page, 'web-').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')))) as string[];
    assert.equal(names.length, 2);
    await page.locator(`[data-testid="row"][data-name="${names[0]}"]`).click();
    await page.getByTestId('action-shell').click();
    await typeInShell(page, 'echo hello-$((6*7))-skiff', 'hello-42-skiff');

    await page.locator(`[data-testid="row"][data-name="${names[1]}"]`).click();
    await page.getByTestId('action-shell').click();
    await page.locator(`[data-testid="dock-tab"][data-title="Shell ${names[1]}"]`).waitFor();
    await typeInShell(page, 'echo second-$((1+1))', 'second-2');
    await screenshot(page, '07-second-shell');

    await page.locator(`[data-testid="dock-tab"][data-title="Shell ${names[0]}"]`).click();
    await typeInShell(page, 'echo again-$((2+3))', 'again-5');
    assert.ok((await shownTerminal(page).locator('.xterm-rows').innerText()).includes('hello-42-skiff'), 'the first shell kept its screen');
    await screenshot(page, '08-first-shell-again');
  });

  test('scale to 3 from the Deployment panel, then delete it: the pods go away', async () => {
    await page.getByTestId('nav-deployments').click();
    await page.locator('[data-testid="row"][data-name="web"]').click();
    await page.getByTestId('action-scale').click();
    await page.getByTestId('scale-input').fill('3');
    await page.getByTestId('confirm-button').click();
    await page.getByTestId('nav-pods').click();
    await until('3 Running web pods', async () => (await runningRows(page, 'web-')) === 3, 90_000);
    await screenshot(page, '09-scaled');

    await page.getByTestId('nav-deployments').click();
    await page.locator('[data-testid="row"][data-name="web"]').click();
    await page.getByTestId('action-delete').click();
    await page.getByTestId('confirm-button').click();
    await page.getByTestId('nav-pods').click();
    await until('no web pods', async () => (await rowsOf(page, 'web-').count()) === 0, 90_000);
  });

  test('stop the cluster from its menu', async () => {
    await page.getByTestId('cluster-menu-local').click();
    await page.getByTestId('cluster-stop').click();
    const confirm = page.getByTestId('confirm-button');
    if (await confirm.isVisible().catch(() => false)) await confirm.click();
    await until(
      'the cluster to stop',
      async () => {
        const res = await page.request.get(`${f.url}/api/clusters`);
        const clusters = (await res.json()) as { name: string; state: string }[];
        return clusters.find((c) => c.name === 'local')?.state === 'stopped';
      },
      60_000,
    );
    assert.ok(true);
  });
});
