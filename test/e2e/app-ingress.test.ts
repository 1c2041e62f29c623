// The app's ingress URLs, in Chromium against browser mode with a Docker node: an Ingress for
// web.localhost shows http://web.localhost:<the cluster's ingress port>/ as a link on its
// panel, with its backend's ready endpoints; that URL answers from the pod; the overview lists it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Page } from 'playwright-core';
import { describeDocker } from '../docker/docker-available';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import { startAppFixture, type AppFixture } from './app-fixture';
import { reload, screenshot } from './browser';
import { waitFor } from '../wait-for';

const NAME = 'ingui';
const PROFILE = `skiff-${NAME}`;
const PAGE = 'hello-through-the-ingress';

const until = <T>(what: string, fn: () => Promise<T>, timeoutMs = 60_000) => waitFor(what, fn, timeoutMs, 250);

/** GET through the ingress on 127.0.0.1 with the URL's Host (the resolver may not map *.localhost). */
function viaIngress(url: string): Promise<string> {
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

await describeDocker('ingress URLs in the app', () => {
  let f: AppFixture;
  let page: Page;
  const k8s = (path: string) => `${f.url}/k8s/${PROFILE}${path}`;
  const post = async (path: string, data: unknown) => {
    const res = await page.request.post(k8s(path), { data });
    assert.equal(res.status(), 201, await res.text());
  };

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
    await post('/apis/networking.k8s.io/v1/namespaces/default/ingresses', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web' },
      spec: {
        rules: [
          {
            host: 'web.localhost',
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] },
          },
        ],
      },
    });
    await reload(page); // the page opened before the cluster existed: land on its overview
  });

  after(async () => {
    if (page) await screenshot(page, 'ingress-last');
    await f?.close();
  });

  test('the Ingress panel links http://web.localhost:<ingress port>/, its backend turns ready, and the URL answers from the pod', async () => {
    // The host reads the port the cluster's ingress bound (cluster.json) on its next status poll.
    const port = await until('the cluster to report its ingress port', async () => {
      const list = (await (await page.request.get(`${f.url}/api/clusters`)).json()) as { name: string; ingress?: { http?: number } }[];
      return list.find((c) => c.name === NAME)?.ingress?.http;
    });
    const want = `http://web.localhost:${port}/`;
    await page.getByTestId('nav-ingresses').click();
    await page.locator('[data-testid="row"][data-name="web"]').click();
    const panel = page.locator('[data-testid="detail-panel"][data-name="web"]');
    const link = panel.getByTestId('app-url');
    await link.waitFor({ timeout: 20_000 });
    await until('the link to carry the ingress port', async () => (await link.getAttribute('href')) === want, 20_000);
    assert.equal(await link.textContent(), want);
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    await until('the backend to show ready', async () => (await panel.getByTestId('backend-ready').textContent()) === '1/1');
    await screenshot(page, 'ingress-panel');
    await until('the URL to answer from the pod', async () => (await viaIngress(want)) === `200 ${PAGE}`);

    await page.keyboard.press('Escape');
    await page.getByTestId('nav-overview').click();
    const listed = page.locator(`[data-testid="overview-url"][href="${want}"]`);
    await listed.waitFor({ timeout: 20_000 });
    await screenshot(page, 'ingress-overview');
  });
});
