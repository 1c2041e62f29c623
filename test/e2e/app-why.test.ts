// "Why is it broken" in the app (issue 14), against one Docker-backed cluster started through
// the app: Create of a Deployment raises no false Conflict, a pod with a bad image says
// "ErrImagePull: <message>" on top of its panel with its events (non-blank rows), the Overview
// counts it as Pending, a crashing pod says its last exit code, and relative times tick.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { describeDocker } from '../docker/docker-available';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import { startAppFixture, type AppFixture } from './app-fixture';
import { screenshot, reload } from './browser';
import { waitFor } from '../wait-for';

const CLUSTER = 'why';
const PROFILE = `skiff-${CLUSTER}`;
// Nothing listens on 127.0.0.1:1: the pull fails at once with "connection refused".
const BAD_IMAGE = '127.0.0.1:1/skiff-e2e/missing:1';
const PULL_NS = 'why-pull';

interface PodJson {
  status?: { containerStatuses?: Array<{ restartCount?: number; state?: { waiting?: { reason?: string }; running?: unknown } }> };
}
const until = (what: string, fn: () => Promise<boolean>, timeoutMs = 15_000) => waitFor(what, fn, timeoutMs, 150);

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: calm
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels:
      app: calm
  template:
    metadata:
      labels:
        app: calm
    spec:
      containers:
      - name: main
        image: ${BUSYBOX_IMAGE}
        command: ["sleep", "3600"]
`;

await describeDocker('why is it broken: the app with a Docker node', () => {
  let f: AppFixture;
  let page: Page;
  const k8s = (path: string) => `${f.url}/k8s/${PROFILE}${path}`;
  const createPod = async (name: string, container: Record<string, unknown>, ns = 'default') => {
    const res = await page.request.post(k8s(`/api/v1/namespaces/${ns}/pods`), {
      data: { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', ...container }] } },
    });
    assert.equal(res.status(), 201, await res.text());
  };
  const waiting = async (name: string, ns = 'default') => {
    const p = (await (await page.request.get(k8s(`/api/v1/namespaces/${ns}/pods/${name}`))).json()) as PodJson;
    return p.status?.containerStatuses?.[0]?.state?.waiting?.reason;
  };
  const openPod = async (name: string) => {
    await page.getByTestId('nav-pods').click();
    await page.locator(`[data-testid="row"][data-name="${name}"]`).click();
    return page.locator(`[data-testid="detail-panel"][data-name="${name}"]`);
  };

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
    await reload(page); // the page opened before the cluster existed: land on its overview
    await page.locator('[data-testid="node-row"][data-ready="true"]').first().waitFor({ timeout: 90_000 });
    // Both started now; the tests below look at them when they need them.
    // In a namespace of its own, so the Overview's counts there are about it alone.
    const ns = await page.request.post(k8s('/api/v1/namespaces'), {
      data: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: PULL_NS } },
    });
    assert.equal(ns.status(), 201, await ns.text());
    await createPod('bad-image', { image: BAD_IMAGE }, PULL_NS);
    await createPod('crasher', { image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo bye; exit 3'] });
    // Fails once, then runs: its restart cell "1 (Ns ago)" changes only by ticking.
    const once = await page.request.post(k8s('/api/v1/namespaces/default/pods'), {
      data: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'once' },
        spec: {
          volumes: [{ name: 'data', emptyDir: {} }],
          containers: [
            {
              name: 'main',
              image: BUSYBOX_IMAGE,
              command: ['sh', '-c', '[ -f /data/once ] && exec sleep 3600; touch /data/once; exit 3'],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
        },
      },
    });
    assert.equal(once.status(), 201, await once.text());
  });
  beforeEach(async () => {
    if (await page.getByTestId('yaml-editor').count()) {
      await page.getByTestId('editor-close').click();
      if (await page.getByTestId('confirm-dialog').count()) await page.getByTestId('confirm-button').click();
    }
  });
  after(async () => {
    if (page) await screenshot(page, 'why-last');
    await f?.close();
  });

  void test('Create of a controller-managed Deployment raises no Conflict afterwards', async () => {
    await page.getByTestId('nav-deployments').click();
    await page.getByTestId('create-button').click();
    const content = page.locator('[data-testid="yaml-editor"] .cm-content');
    await content.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(DEPLOYMENT);
    await until('no errors', async () => (await page.getByTestId('editor-error').count()) === 0);
    await page.getByTestId('apply-button').click();
    await until('the created status', async () => /created/i.test(await page.getByTestId('editor-status').innerText()));
    // The controller moves the object on (status, revision) while the editor shows its answer:
    // watch the as-you-type check for 3 s.
    const end = Date.now() + 3000;
    while (Date.now() < end) {
      const status = await page.getByTestId('editor-status').innerText();
      assert.doesNotMatch(status, /conflict|modified/i, status);
      assert.equal(await page.getByTestId('editor-error').count(), 0, 'an error marker appeared');
      await page.waitForTimeout(150);
    }
    await screenshot(page, 'why-01-created-no-conflict');
    await page.getByTestId('editor-close').click();
  });

  void test('a pod with a bad image says "ErrImagePull: <message>" on top of its panel, with its events, within 5 s', async () => {
    await until('the pull to fail', async () => /ErrImagePull|ImagePullBackOff/.test((await waiting('bad-image', PULL_NS)) ?? ''), 60_000);
    const panel = await openPod('bad-image');
    const opened = Date.now();
    const why = panel.getByTestId('pod-why');
    await why.filter({ hasText: /ErrImagePull: .*127\.0\.0\.1:1/ }).waitFor({ timeout: 5000 });
    const events = panel.locator('[data-testid="event-row"]');
    await events
      .filter({ hasText: /Failed/ })
      .first()
      .waitFor({ timeout: Math.max(500, 5000 - (Date.now() - opened)) });
    // Every row says something: reason, count, age and source.
    const rows = await events.evaluateAll((els) => els.map((e) => [...e.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    for (const cells of rows) {
      assert.ok(cells.filter(Boolean).length >= 4, `a blank event row: ${JSON.stringify(cells)}`);
      assert.match(cells.join(' '), /kubelet|scheduler/, `no source: ${JSON.stringify(cells)}`);
    }
    // Lists mark objects with warnings.
    await page.locator('[data-testid="row"][data-name="bad-image"] [data-testid="warning-badge"]').waitFor({ timeout: 15_000 });
    await screenshot(page, 'why-02-bad-image');
  });

  void test('the Overview counts the image-pull pod as Pending, not Failed', async () => {
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('namespace-picker').selectOption(PULL_NS, { timeout: 20_000 }); // the picker re-reads namespaces every 15 s
    try {
      const n = async (phase: string) => Number((await page.getByTestId(`phase-${phase}`).locator('.n').innerText()).trim());
      await until('bad-image counted', async () => (await n('Pending')) + (await n('Failed')) === 1, 20_000);
      assert.deepEqual([await n('Pending'), await n('Failed')], [1, 0], 'an image-pull pod is Pending, not Failed');
      await screenshot(page, 'why-03-overview');
    } finally {
      await page.getByTestId('namespace-picker').selectOption('');
    }
  });

  void test('a crashing pod says its last exit code; its Created age and its restart cell tick', async () => {
    await until(
      'a restart',
      async () => {
        const p = (await (await page.request.get(k8s('/api/v1/namespaces/default/pods/crasher'))).json()) as PodJson;
        return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1;
      },
      60_000,
    );
    const panel = await openPod('crasher');
    await panel
      .getByTestId('pod-why')
      .filter({ hasText: /exit code 3/ })
      .waitFor({ timeout: 10_000 });
    const created = panel.getByTestId('created-age');
    const first = await created.innerText();
    await until('the Created age to tick', async () => (await created.innerText()) !== first, 4000);

    await until(
      'once to run after its restart',
      async () => {
        const p = (await (await page.request.get(k8s('/api/v1/namespaces/default/pods/once'))).json()) as PodJson;
        const st = p.status?.containerStatuses?.[0];
        return (st?.restartCount ?? 0) >= 1 && !!st?.state?.running;
      },
      60_000,
    );
    await page.getByTestId('detail-close').click();
    const cell = page.locator('[data-testid="row"][data-name="once"] span', { hasText: / ago\)/ });
    await cell.first().waitFor({ timeout: 15_000 });
    const before = await cell.first().innerText();
    await until('the restart cell to tick', async () => (await cell.first().innerText()) !== before, 4000);
    await screenshot(page, 'why-04-crasher');
  });
});
