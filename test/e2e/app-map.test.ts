// The resource map (issue 14), against one simulated cluster started through the app: a
// Deployment, a Service selecting its pods, a Service with no selector and an Ingress show as
// Deployment → ReplicaSet → Pod ← Service ← Ingress; clicking a pod opens its panel; scaling
// to 2 adds the second pod live; the keyboard reaches and opens nodes; reload restores the map
// and its panel; the palette opens it by keyboard; a log followed in the dock while the map is
// open streams (the map gives way a watch); a CronJob's Job sits between it and its pod; axe
// finds nothing serious in light or dark; at 900 px the panel lies over the map as a drawer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page, Request } from 'playwright-core';
import { waitFor } from '../wait-for';
import { startAppFixture, startClusterThroughApp, type AppFixture } from './app-fixture';
import { seriousViolations } from './axe';
import { goto, reload, screenshot } from './browser';

let f: AppFixture;
let page: Page;
let profile = '';
const NS = 'mapped';
const until = (what: string, fn: () => Promise<boolean>) => waitFor(what, fn, 20_000, 100);
const node = (kind: string, name?: string) =>
  page.locator(`[data-testid="map-node"][data-kind="${kind}"]${name ? `[data-name="${name}"]` : ''}`);
// Edges by the start of their ends' names (an empty prefix would match nothing in CSS, so it is left out).
const edge = (type: string, from: string, to?: string) =>
  page.locator(`[data-testid="map-edge"][data-type="${type}"][data-from^="${from}"]${to ? `[data-to^="${to}"]` : ''}`);

async function create(path: string, body: object): Promise<void> {
  const res = await page.request.post(`${f.url}/k8s/${profile}${path}`, { data: body });
  assert.equal(res.status(), 201, await res.text());
}

before(async () => {
  f = await startAppFixture();
  page = f.page;
  page.setDefaultTimeout(10_000);
  profile = await startClusterThroughApp(f, 'map');
  await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await create(`/apis/apps/v1/namespaces/${NS}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
    },
  });
  await create(`/api/v1/namespaces/${NS}/services`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  });
  await create(`/api/v1/namespaces/${NS}/services`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'outside' },
    spec: { ports: [{ port: 443 }] },
  });
  await create(`/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses`, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'front' },
    spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
  });
});
after(async () => {
  if (page) await screenshot(page, 'map-last');
  await f?.close();
});

void test('map: Deployment → ReplicaSet → Pod ← Service ← Ingress; a click opens the pod; scaling adds a pod live', async () => {
  await goto(page, `${f.url}/#/c/${profile}?ns=${NS}`);
  await page.getByTestId('nav-map').click();
  await edge('owns', 'ReplicaSet/web-', 'Pod/web-').waitFor({ state: 'attached', timeout: 30_000 });
  await edge('owns', 'Deployment/web', 'ReplicaSet/web-').waitFor({ state: 'attached' });
  await edge('selects', 'Service/web', 'Pod/web-').waitFor({ state: 'attached' });
  await edge('routes', 'Ingress/front', 'Service/web').waitFor({ state: 'attached' });
  assert.equal(await node('Service', 'outside').count(), 1, 'the Service with no selector is on the map');
  assert.equal(await edge('selects', 'Service/outside').count(), 0, 'and selects nothing');
  assert.equal(await node('Pod').count(), 1);

  const pod = (await node('Pod').first().getAttribute('data-name'))!;
  await node('Pod', pod).click();
  await page.locator(`[data-testid="detail-panel"][data-kind="Pod"][data-name="${pod}"]`).waitFor();
  assert.equal(await page.evaluate(() => location.hash), `#/c/${profile}/map/core/pods/${NS}/${pod}?ns=${NS}`);
  await until('the pod to be Running on the map', async () => (await node('Pod', pod).getAttribute('data-tone')) === 'ok');

  const res = await page.request.patch(`${f.url}/k8s/${profile}/apis/apps/v1/namespaces/${NS}/deployments/web/scale`, {
    headers: { 'content-type': 'application/merge-patch+json' },
    data: JSON.stringify({ spec: { replicas: 2 } }),
  });
  assert.equal(res.status(), 200, await res.text());
  await until('the second pod on the map', async () => (await node('Pod').count()) === 2);
  await until('the Service selecting both pods', async () => (await edge('selects', 'Service/web').count()) === 2);
  assert.equal(await edge('owns', 'ReplicaSet/web-', 'Pod/web-').count(), 2);
  await screenshot(page, 'map-light');
});

void test('map by keyboard: arrows follow the edges, Enter opens; reload restores the map and its panel', async () => {
  await node('Deployment', 'web').focus();
  await page.keyboard.press('ArrowRight');
  await until('the ReplicaSet focused', async () =>
    page.evaluate(() => document.activeElement?.getAttribute('data-kind') === 'ReplicaSet'),
  );
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  const name = await page.evaluate(
    () => document.activeElement?.getAttribute('data-kind') + '/' + document.activeElement?.getAttribute('data-name'),
  );
  assert.match(name, /^Pod\/web-/);
  await page.keyboard.press('Enter');
  const panel = page.locator(`[data-testid="detail-panel"][data-kind="Pod"][data-name="${name.slice(4)}"]`);
  await panel.waitFor();
  // One tab stop: the map's other nodes are reached by arrows, not Tab.
  assert.equal(await page.locator('[data-testid="map-node"][tabindex="0"]').count(), 1);

  await reload(page);
  await panel.waitFor({ timeout: 20_000 });
  await edge('selects', 'Service/web').first().waitFor({ state: 'attached' });
  assert.equal(await node('Pod').count(), 2);
});

void test('palette: "resource map" then Enter opens the map of the namespace, keyboard only, and the map takes the keys', async () => {
  await page.getByTestId('nav-pods').click();
  await page.getByTestId('resource-map').waitFor({ state: 'detached' });
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('ControlOrMeta+K');
  await page.getByTestId('palette-input').waitFor();
  // ("map" alone ranks this cluster's node map-node-1 and namespace "mapped" first, as it should.)
  await page.keyboard.type('resource map');
  const first = page.getByTestId('palette-item').first();
  await until('the map first in the palette', async () => /^Map\b[\s\S]*resource map of namespace mapped$/.test(await first.innerText()));
  await page.keyboard.press('Enter');
  await page.getByTestId('resource-map').waitFor();
  assert.equal(await page.evaluate(() => location.hash), `#/c/${profile}/map?ns=${NS}`);
  await until('a map node to take the keys', async () =>
    page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'map-node'),
  );
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-kind')), 'ReplicaSet');
});

void test('a log followed in the dock while the map is open streams: a map watch gives way and the map stays live', async () => {
  const logs: string[] = [];
  const onRequest = (r: Request) => void (/\/pods\/[^/]+\/log\?/.test(r.url()) && logs.push(r.url()));
  page.on('request', onRequest);
  try {
    // The map's four main kinds hold every watch slot by now.
    await edge('selects', 'Service/web').first().waitFor({ state: 'attached' });
    const pod = (await node('Pod').first().getAttribute('data-name'))!;
    await node('Pod', pod).click();
    await page.locator(`[data-testid="detail-panel"][data-name="${pod}"]`).waitFor();
    await page.getByTestId('action-logs').click();
    await page.locator('[data-testid="dock-tab"][data-type="logs"]').first().waitFor();
    await until('the log requested', () => Promise.resolve(logs.length > 0));
    assert.match(logs[0], /[?&]follow=true/, 'followed (a slot of its own), not polled');

    // The kind that gave way polls: the map still follows a scale-up.
    const res = await page.request.patch(`${f.url}/k8s/${profile}/apis/apps/v1/namespaces/${NS}/deployments/web/scale`, {
      headers: { 'content-type': 'application/merge-patch+json' },
      data: JSON.stringify({ spec: { replicas: 3 } }),
    });
    assert.equal(res.status(), 200, await res.text());
    await until('the third pod on the map', async () => (await node('Pod').count()) === 3);
    await until('the Service selecting all three', async () => (await edge('selects', 'Service/web').count()) === 3);
    assert.equal(logs.filter((u) => !/[?&]follow=true/.test(u)).length, 0, 'the log was never polled');
  } finally {
    page.off('request', onRequest);
  }
  await page.locator('[data-testid="dock-tab-close"]').first().click();
});

void test('map: CronJob → Job → Pod, the Job in the middle column under its CronJob', async () => {
  const template = { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } };
  const res = await page.request.post(`${f.url}/k8s/${profile}/apis/batch/v1/namespaces/${NS}/cronjobs`, {
    data: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template } } },
    },
  });
  assert.equal(res.status(), 201, await res.text());
  const uid = ((await res.json()) as { metadata: { uid: string } }).metadata.uid;
  // A run of it, as the CronJob controller makes one at 03:00: owned by the CronJob as its controller.
  await create(`/apis/batch/v1/namespaces/${NS}/jobs`, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'nightly-1',
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { template },
  });
  await edge('owns', 'CronJob/nightly', 'Job/nightly-1').waitFor({ state: 'attached', timeout: 30_000 });
  await edge('owns', 'Job/nightly-1', 'Pod/nightly-1-').waitFor({ state: 'attached', timeout: 30_000 });
  const middle = page.locator('section.map-col[aria-label="ReplicaSets · Jobs"]');
  assert.equal(await middle.locator('[data-testid="map-node"][data-kind="Job"][data-name="nightly-1"]').count(), 1);
  assert.equal(await middle.locator('[data-testid="map-node"][data-kind="ReplicaSet"]').count(), 1);
  const workloads = page.locator('section.map-col[aria-label="Workloads"]');
  assert.equal(await workloads.locator('[data-testid="map-node"][data-kind="CronJob"][data-name="nightly"]').count(), 1);
  await screenshot(page, 'map-cronjob');
});

for (const scheme of ['light', 'dark'] as const) {
  const width = scheme === 'dark' ? 900 : 1400;
  void test(`map: axe finds no serious or critical violation (${scheme}, ${width} px wide, a panel open)`, async () => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width, height: 800 });
    await edge('owns', 'Deployment/web').waitFor({ state: 'attached' });
    const found = await seriousViolations(page, `map (${scheme})`);
    // The window does not scroll sideways; the map scrolls inside its own pane.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'no sideways page scroll');
    await screenshot(page, `map-${scheme}`);
    assert.deepEqual(found, []);
  });
}

void test('map at 900 px: the panel lies over the map as a drawer; the map keeps its width, scrolls its columns out from under it and keeps the open node in sight', async () => {
  await page.setViewportSize({ width: 900, height: 800 });
  try {
    await edge('owns', 'Deployment/web').waitFor({ state: 'attached' });
    if (await page.getByTestId('detail-panel').count()) await page.getByTestId('detail-close').click();
    const pod = (await node('Pod').last().getAttribute('data-name'))!;
    await node('Pod', pod).click();
    await page.locator(`[data-testid="detail-panel"][data-name="${pod}"]`).waitFor();
    await page.locator('[data-testid="detail-panel"] [data-testid="action-delete"]').waitFor();
    await until('the open node scrolled into sight, left of the drawer', async () =>
      page.evaluate(() => {
        const open = document.querySelector('[data-testid="map-node"][aria-current="true"]');
        const o = open?.getBoundingClientRect();
        const at = o && document.elementFromPoint(o.left + o.width / 2, o.top + o.height / 2);
        return !!open && !!at && (at === open || open.contains(at));
      }),
    );
    const seen = await page.evaluate(() => {
      // (No helper functions in here: the test's compiler would wrap them in a name it defines outside.)
      const content = document.querySelector('.map-content')!.getBoundingClientRect();
      const map = document.querySelector('[data-testid="resource-map"]')!.getBoundingClientRect();
      const panel = document.querySelector('[data-testid="detail-panel"]')!.getBoundingClientRect();
      const problems: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>('.topbar button, .detail-head button, .detail-actions button')) {
        if (el.offsetParent === null) continue;
        const r = el.getBoundingClientRect();
        const id = el.dataset.testid ?? el.textContent?.trim() ?? el.tagName;
        if (r.left < 0 || r.right > window.innerWidth + 0.5 || r.bottom > window.innerHeight + 0.5)
          problems.push(`${id} outside the viewport`);
        const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
        if (!top || !(top === el || el.contains(top))) problems.push(`${id} covered`);
      }
      const scroller = document.querySelector<HTMLElement>('.map-scroll')!;
      const scrolls = scroller.scrollWidth > scroller.clientWidth;
      scroller.scrollLeft = scroller.scrollWidth;
      const lastCol = [...document.querySelectorAll('.map-col')].at(-1)!.getBoundingClientRect();
      return {
        contentW: content.width,
        mapW: map.width,
        panel: { left: panel.left, right: panel.right, width: panel.width },
        problems,
        scrolls,
        lastColRight: lastCol.right,
        sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };
    });
    assert.ok(seen.mapW >= seen.contentW - 1, `the map keeps the pane's width (${seen.mapW} of ${seen.contentW})`);
    assert.ok(seen.panel.right <= 900.5 && seen.panel.width < seen.contentW * 0.7, `a drawer over the map: ${JSON.stringify(seen.panel)}`);
    assert.deepEqual(seen.problems, []);
    assert.ok(seen.scrolls, 'the columns scroll inside the map');
    assert.ok(
      seen.lastColRight <= seen.panel.left + 0.5,
      `the last column scrolls out from under the drawer (${seen.lastColRight} vs ${seen.panel.left})`,
    );
    assert.equal(seen.sideways, 0, 'no sideways page scroll');
    await screenshot(page, 'map-900-drawer');
  } finally {
    await page.setViewportSize({ width: 1400, height: 900 });
  }
});
