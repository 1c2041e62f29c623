// The HTTPRoute panel against the built-in Gateway (issue 18), in Chromium with a Docker node: a
// Gateway of class skiff and an HTTPRoute for gw-web.localhost; the route's panel shows its parent's
// Accepted and ResolvedRefs, links http://gw-web.localhost:<ingress port>/ with its backend ready,
// and that link, opened by the browser, answers from the pod; the overview lists it. A second
// listener on a port of its own is linked with that port, and answers there. A route to a missing
// Service says so.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { describeDocker } from '../docker/docker-available';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import { startAppFixture, type AppFixture } from './app-fixture';
import { reload, screenshot } from './browser';
import { waitFor } from '../wait-for';

const NAME = 'gwui';
const PROFILE = `skiff-${NAME}`;
const PAGE = 'hello-through-the-gateway';
const GW = '/apis/gateway.networking.k8s.io/v1/namespaces/default';

const until = <T>(what: string, fn: () => Promise<T>, timeoutMs = 60_000) => waitFor(what, fn, timeoutMs, 250);

/** GET on 127.0.0.1 with the URL's Host (Node's resolver may not map *.localhost). */
function viaGateway(url: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: Number(u.port || 80), path: u.pathname, headers: { host: u.host }, agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(`${res.statusCode} ${body.trim()}`));
      })
      .on('error', reject);
  });
}

/** A port free on 127.0.0.1 now (the Gateway listener that names it opens it). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

await describeDocker('HTTPRoute panel with the built-in Gateway', () => {
  let f: AppFixture;
  let altPort = 0;
  let page: Page;
  const k8s = (path: string) => `${f.url}/k8s/${PROFILE}${path}`;
  const post = async (path: string, data: unknown) => {
    const res = await page.request.post(k8s(path), { data });
    assert.equal(res.status(), 201, await res.text());
  };
  const route = (name: string, host: string, backend: string) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name },
    spec: { parentRefs: [{ name: 'web' }], hostnames: [host], rules: [{ backendRefs: [{ name: backend, port: 80 }] }] },
  });

  before(async () => {
    await ensureTestImages();
    f = await startAppFixture({ SKIFF_DEFAULT_IMAGE: BUSYBOX_IMAGE, SKIFF_SANDBOX_IMAGE: PAUSE_IMAGE });
    page = f.page;
    const started = await page.request.post(`${f.url}/api/clusters`, { data: { name: NAME, runtime: 'docker', nodes: 1 } });
    assert.equal(started.status(), 202, await started.text());
    await until(
      'the cluster to run',
      async () => {
        const list = (await (await page.request.get(`${f.url}/api/clusters`)).json()) as { name: string; state: string }[];
        return list.find((c) => c.name === NAME)?.state === 'running';
      },
      90_000,
    );
    const script = `mkdir -p /www && echo ${PAGE} > /www/index.html && exec httpd -f -p 8080 -h /www`;
    await post('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'web', image: BUSYBOX_IMAGE, command: ['sh', '-c', script], ports: [{ name: 'http', containerPort: 8080 }] }],
      },
    });
    await post('/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
    });
    // The Gateway API CRDs are installed off the start's critical path: wait until they are served.
    await until('the Gateway API to be served', async () => (await page.request.get(k8s(`${GW}/gateways`))).status() === 200);
    await post(`${GW}/gateways`, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'web' },
      spec: {
        gatewayClassName: 'skiff',
        listeners: [
          { name: 'http', port: 80, protocol: 'HTTP', hostname: '*.localhost' },
          { name: 'alt', port: (altPort = await freePort()), protocol: 'HTTP', hostname: '*.localhost' },
        ],
      },
    });
    await post(`${GW}/httproutes`, route('web', 'gw-web.localhost', 'web'));
    await post(`${GW}/httproutes`, route('broken', 'gw-broken.localhost', 'missing'));
    await reload(page); // the page opened before the cluster existed: land on its overview
  });

  after(async () => {
    if (page) await screenshot(page, 'gateway-last');
    await f?.close();
  });

  const openRoute = async (name: string) => {
    await page.locator(`[data-testid="row"][data-name="${name}"]`).click();
    return page.locator(`[data-testid="detail-panel"][data-kind="HTTPRoute"][data-name="${name}"]`);
  };
  const condition = (panel: ReturnType<Page['locator']>, type: string) =>
    panel.locator(`[data-testid="route-parent"][data-gateway="web"] [data-testid="route-condition"][data-type="${type}"]`);

  test('the HTTPRoute panel shows Accepted and ResolvedRefs from its Gateway, links its URL, and the browser opens it', async () => {
    const port = await until('the cluster to report its ingress port', async () => {
      const list = (await (await page.request.get(`${f.url}/api/clusters`)).json()) as { name: string; ingress?: { http?: number } }[];
      return list.find((c) => c.name === NAME)?.ingress?.http;
    });
    const want = `http://gw-web.localhost:${port}/`;
    const nav = page.locator(`[data-testid="nav-crd-group"][data-group="gateway.networking.k8s.io"] [data-testid="nav-httproutes"]`);
    await nav.waitFor({ timeout: 30_000 });
    await nav.click();
    const panel = await openRoute('web');
    await until('Accepted', async () => (await condition(panel, 'Accepted').getAttribute('data-status')) === 'True');
    await until('ResolvedRefs', async () => (await condition(panel, 'ResolvedRefs').getAttribute('data-status')) === 'True');
    const link = panel.locator(`[data-testid="app-url"][href="${want}"]`);
    await link.waitFor({ timeout: 20_000 });
    assert.equal(await link.textContent(), want);
    // The listener with a port of its own: linked with that port, and the pod answers there.
    const alt = `http://gw-web.localhost:${altPort}/`;
    await panel.locator(`[data-testid="app-url"][href="${alt}"]`).waitFor({ timeout: 20_000 });
    assert.deepEqual(
      (await panel.getByTestId('app-url').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).sort(),
      [want, alt].sort(),
    );
    await until('the own-port URL to answer from the pod', async () => (await viaGateway(alt).catch(() => '')) === `200 ${PAGE}`);
    await until('the backend to show ready', async () => (await panel.getByTestId('backend-ready').first().textContent()) === '1/1');
    await screenshot(page, 'gateway-route-panel');
    await until('the URL to answer from the pod', async () => (await viaGateway(want)) === `200 ${PAGE}`);

    // Chromium maps *.localhost to loopback itself: the link opens the pod's page.
    const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
    await popup.waitForLoadState();
    assert.equal(popup.url(), want);
    assert.equal((await popup.locator('body').innerText()).trim(), PAGE);
    await popup.close();

    await page.keyboard.press('Escape');
    await page.getByTestId('nav-overview').click();
    await page.locator(`[data-testid="overview-url"][href="${want}"]`).waitFor({ timeout: 20_000 });
    await page.getByTestId('nav-httproutes').click();
  });

  test('a route to a missing Service: its panel says ResolvedRefs failed and why', async () => {
    await page.keyboard.press('Escape');
    const panel = await openRoute('broken');
    await until('ResolvedRefs False', async () => (await condition(panel, 'ResolvedRefs').getAttribute('data-status')) === 'False');
    assert.match((await condition(panel, 'ResolvedRefs').textContent()) ?? '', /BackendNotFound/);
    assert.equal(await condition(panel, 'Accepted').getAttribute('data-status'), 'True');
    await screenshot(page, 'gateway-route-broken');
  });
});
