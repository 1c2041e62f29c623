// What the app says must be true (issue 14, bugs 5 and 7, layout 8), against one simulated
// cluster started through the app: editor markers on the right line, deleting what is already
// gone, a Service without a selector, the cluster Delete dialog's promise about kubeconfigs,
// the header following the last real answer of a kubeconfig profile, and the 900 px layout.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTestApiServer, type TestApiServer } from '../../electron/host/testing/test-api-server';
import { startAppFixture, type AppFixture } from './app-fixture';
import { screenshot, reload } from './browser';
import { waitFor } from '../wait-for';

const CLUSTER = 'truth';
const PROFILE = `skiff-${CLUSTER}`;
const until = (what: string, fn: () => Promise<boolean>, timeoutMs = 15_000) => waitFor(what, fn, timeoutMs, 150);

let f: AppFixture;
let page: Page;
const pageErrors: string[] = [];
const k8s = (path: string) => `${f.url}/k8s/${PROFILE}${path}`;

before(async () => {
  f = await startAppFixture();
  page = f.page;
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
  const res = await page.request.post(`${f.url}/api/clusters`, { data: { name: CLUSTER, nodes: 1, runtime: 'simulated' } });
  assert.equal(res.status(), 202, await res.text());
  await until(
    'the cluster to run',
    async () => {
      const list = (await (await page.request.get(`${f.url}/api/clusters`)).json()) as { name: string; state: string }[];
      return list.find((c) => c.name === CLUSTER)?.state === 'running';
    },
    90_000,
  );
  await reload(page); // the page opened before the cluster existed: land on its overview
  await page.locator('[data-testid="node-row"][data-ready="true"]').first().waitFor({ timeout: 60_000 });
});
// A test that failed half-way must not leave the editor over the next one.
beforeEach(async () => {
  if (await page.getByTestId('yaml-editor').count()) {
    await page.getByTestId('editor-close').click();
    if (await page.getByTestId('confirm-dialog').count()) await page.getByTestId('confirm-button').click();
  }
});
after(async () => {
  if (page) await screenshot(page, 'truth-last');
  await f?.close();
});

async function setEditorText(text: string): Promise<void> {
  const content = page.locator('[data-testid="yaml-editor"] .cm-content');
  await content.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

const closeWithin = (p: Promise<unknown>, ms: number) => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, ms).unref())]);

const errorLines = () =>
  page.getByTestId('editor-error').evaluateAll((els) => els.map((e) => [e.getAttribute('data-line'), e.textContent]));

void test('editor markers: a missing namespace marks its line, an unterminated quote marks where it opens', async () => {
  await page.getByTestId('nav-configmaps').click();
  await page.getByTestId('create-button').click();
  await setEditorText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: why-cm\n  namespace: no-such-ns\ndata:\n  a: b\n');
  await until('the namespace error', async () => (await errorLines()).some(([, t]) => /no-such-ns/.test(t ?? '')));
  const ns = await errorLines();
  assert.deepEqual(
    ns.map(([l]) => l),
    ['5'],
    JSON.stringify(ns),
  );
  await screenshot(page, 'truth-01-namespace-marker');

  await setEditorText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "why-cm\n  namespace: default\ndata:\n  a: b\n');
  await until('the quote error', async () => (await errorLines()).some(([, t]) => /quote/i.test(t ?? '')));
  const q = await errorLines();
  assert.equal(q[0][0], '4', JSON.stringify(q));
  assert.match(q[0][1] ?? '', /closing " quote.*line 4/i);
  assert.doesNotMatch(q[0][1] ?? '', /\n/);
});

void test('deleting an object that is already gone says so and closes the dialog', async () => {
  const created = await page.request.post(k8s('/api/v1/namespaces/default/configmaps'), {
    data: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone-cm' }, data: { a: 'b' } },
  });
  assert.equal(created.status(), 201, await created.text());
  await page.getByTestId('nav-configmaps').click();
  await page.locator('[data-testid="row"][data-name="gone-cm"]').click();
  await page.locator('[data-testid="detail-panel"][data-name="gone-cm"] [data-testid="action-delete"]').click();
  await page.getByTestId('confirm-dialog').waitFor();
  const del = await page.request.delete(k8s('/api/v1/namespaces/default/configmaps/gone-cm'));
  assert.equal(del.status(), 200);
  await page.getByTestId('confirm-button').click();
  await page.locator('.toast', { hasText: /already gone/i }).waitFor({ timeout: 5000 });
  await page.getByTestId('confirm-dialog').waitFor({ state: 'detached', timeout: 5000 });
});

void test('a Service without a selector (like kube-dns) does not claim that no pod matches its selector', async () => {
  const created = await page.request.post(k8s('/api/v1/namespaces/default/services'), {
    data: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'no-selector' }, spec: { ports: [{ port: 53, protocol: 'UDP' }] } },
  });
  assert.equal(created.status(), 201, await created.text());
  await page.getByTestId('nav-services').click();
  await page.locator('[data-testid="row"][data-name="no-selector"]').click();
  const section = page.getByTestId('service-section');
  await until('the endpoints line', async () => !/Loading/.test(await section.innerText()));
  const text = await section.innerText();
  assert.doesNotMatch(text, /no ready pod matches the selector/, text);
  assert.match(text, /no selector/i, text);
  await screenshot(page, 'truth-02-no-selector');
});

void test("the cluster Delete dialog makes no claim about a kubeconfig context the app never wrote to the user's files", async () => {
  await page.getByTestId(`cluster-menu-${CLUSTER}`).click();
  await page.getByTestId('cluster-delete').click();
  const text = await page.getByTestId('confirm-dialog').innerText();
  assert.doesNotMatch(text, /context\s+\S+\s+is removed/i, text);
  assert.match(text, /kubeconfig files are not touched/i, text);
  await page.getByTestId('confirm-dialog').getByText('Cancel').click();
});

/** Every visible header and toolbar control: inside the viewport and its clipping boxes, unwrapped, not overlapping. */
async function checkLayout(where: string): Promise<void> {
  const found = await page.evaluate(() => {
    const sel =
      '.topbar button, .topbar select, .topbar input, .topbar [data-testid="status"], .toolbar button, .toolbar input, .toolbar select, .toolbar label, .detail-actions button, .detail-head button';
    const all = [...document.querySelectorAll<HTMLElement>(sel)];
    const problems: string[] = [];
    const boxes = all
      .filter((e) => e.offsetParent !== null && !all.some((o) => o !== e && o.contains(e)))
      .map((e) => {
        const r = e.getBoundingClientRect();
        const id = e.dataset.testid ?? e.getAttribute('aria-label') ?? e.textContent?.trim().slice(0, 20) ?? e.tagName;
        for (let p = e.parentElement; p; p = p.parentElement) {
          const cs = getComputedStyle(p);
          if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
          const c = p.getBoundingClientRect();
          if (r.left < c.left - 0.5 || r.right > c.right + 0.5 || r.top < c.top - 0.5 || r.bottom > c.bottom + 0.5)
            problems.push(`${id} is clipped by .${p.className || p.tagName}`);
        }
        if (e.tagName === 'BUTTON' && r.height > 40) problems.push(`${id} wraps (${Math.round(r.height)} px high)`);
        if (r.left < 0 || r.right > window.innerWidth + 0.5) problems.push(`${id} is outside the viewport`);
        // Something else on top of it (a panel over the toolbar) hides it as well as clipping would.
        const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
        if (!top || !(e === top || e.contains(top) || (e.tagName === 'LABEL' && top.closest('label') === e)))
          problems.push(`${id} is covered by ${top ? (top as HTMLElement).className || top.tagName : 'nothing (off screen)'}`);
        return { id, x: r.left, y: r.top, r: r.right, b: r.bottom };
      });
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const c = boxes[j];
        if (a.x < c.r - 0.5 && c.x < a.r - 0.5 && a.y < c.b - 0.5 && c.y < a.b - 0.5) problems.push(`${a.id} overlaps ${c.id}`);
      }
    if (document.documentElement.scrollWidth > window.innerWidth) problems.push('the page scrolls sideways');
    return { problems, count: boxes.length };
  });
  assert.ok(found.count > 5, `${where}: only ${found.count} controls found`);
  assert.deepEqual(found.problems, [], where);
}

void test('at 900 px every header and toolbar control lies inside the viewport, none clipped, wrapped or overlapping, no sideways scroll', async () => {
  await page.getByTestId('nav-configmaps').click();
  await page.setViewportSize({ width: 900, height: 700 });
  try {
    await page.getByTestId('create-button').waitFor();
    await checkLayout('the list');
    await page.locator('[data-testid="row"]').first().click();
    await page.getByTestId('detail-panel').waitFor();
    await checkLayout('the list with a detail panel');
    await screenshot(page, 'truth-03-900px');
  } finally {
    await page.setViewportSize({ width: 1400, height: 900 });
  }
});

void test(
  'the header and the profile dot follow the last real answer: a kubeconfig cluster that goes away is unreachable at once',
  { timeout: 90_000 },
  async () => {
    const api: TestApiServer = await startTestApiServer('vanish');
    try {
      const res = await page.request.post(`${f.url}/api/profile-sources`, { data: { path: api.kubeconfigPath } });
      assert.equal(res.status(), 201, await res.text());
      const entry = page.locator('[data-testid="profile-entry"][data-profile="skiff-vanish"]');
      await until('the profile ready', async () => (await entry.getAttribute('data-status')) === 'ready');
      await entry.getByTestId('profile-select').click();
      await until('the header Ready', async () => /Ready/.test(await page.getByTestId('status').innerText()));
      await closeWithin(api.server.close(), 5000); // the server goes; its kubeconfig file stays
      const gone = Date.now();
      await until(
        'the header and the dot to say unreachable',
        async () =>
          !/Ready/.test(await page.getByTestId('status').innerText()) && (await entry.getAttribute('data-status')) === 'unreachable',
        10_000,
      );
      assert.ok(Date.now() - gone < 10_000);
      await screenshot(page, 'truth-04-unreachable');
    } finally {
      await closeWithin(api.close(), 5000);
    }
    assert.deepEqual(pageErrors, []);
  },
);
