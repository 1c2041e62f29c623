// The resource map (issue 14), against one simulated cluster started through the app: a
// Deployment, a Service selecting its pods, a Service with no selector and an Ingress show as
// Deployment → ReplicaSet → Pod ← Service ← Ingress; clicking a pod opens its panel; scaling
// to 2 adds the second pod live; the keyboard reaches and opens nodes; reload restores the map
// and its panel; axe finds nothing serious in light or dark, at 900 px wide too.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
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
