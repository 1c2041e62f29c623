// Port-forwards and local terminals, clicked in Chromium against browser mode with a Docker
// node: forward to a busybox httpd pod and to its Service (auto and chosen local ports), fetch
// through them from this process (also 5 at once), stop them; open a local terminal and run
// kubectl against the cluster through the KUBECONFIG the host set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { Page } from 'playwright-core';
import { describeDocker } from '../docker/docker-available';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import { startAppFixture, type AppFixture } from './app-fixture';
import { screenshot, reload } from './browser';
import { waitFor } from '../wait-for';

const PROFILE = 'skiff-local';
const PAGE = 'hello-from-httpd';

const until = (what: string, fn: () => Promise<boolean>, timeoutMs = 60_000) => waitFor(what, fn, timeoutMs, 250);

function get(port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(`${res.statusCode} ${body.trim()}`));
      })
      .on('error', reject);
  });
}

const connectError = (port: number) =>
  new Promise<string>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

await describeDocker('port-forwards and local terminals in the app', async () => {
  let f: AppFixture;
  let page: Page;
  let nodeName = '';
  const k8s = (path: string) => `${f.url}/k8s/${PROFILE}${path}`;

  before(async () => {
    await ensureTestImages();
    f = await startAppFixture({ SKIFF_DEFAULT_IMAGE: BUSYBOX_IMAGE, SKIFF_SANDBOX_IMAGE: PAUSE_IMAGE });
    page = f.page;
    const started = await page.request.post(`${f.url}/api/clusters`, { data: { name: 'local', runtime: 'docker', nodes: 1 } });
    assert.equal(started.status(), 202, await started.text());
    await until(
      'the cluster to run',
      async () => {
        const list = (await (await page.request.get(`${f.url}/api/clusters`)).json()) as { name: string; state: string }[];
        return list.find((c) => c.name === 'local')?.state === 'running';
      },
      90_000,
    );
    await until(
      'a Ready node',
      async () => {
        const nodes = await (await page.request.get(k8s('/api/v1/nodes'))).json();
        const n = nodes.items?.find((x: any) => x.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
        nodeName = n?.metadata?.name ?? '';
        return Boolean(n);
      },
      60_000,
    );
    const script = `mkdir -p /www && echo ${PAGE} > /www/index.html && exec httpd -f -p 8080 -h /www`;
    const pod = await page.request.post(k8s('/api/v1/namespaces/default/pods'), {
      data: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'httpd', labels: { app: 'httpd' } },
        spec: {
          containers: [
            { name: 'web', image: BUSYBOX_IMAGE, command: ['sh', '-c', script], ports: [{ name: 'http', containerPort: 8080 }] },
          ],
        },
      },
    });
    assert.equal(pod.status(), 201, await pod.text());
    const svc = await page.request.post(k8s('/api/v1/namespaces/default/services'), {
      data: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'httpd' },
        spec: { selector: { app: 'httpd' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] },
      },
    });
    assert.equal(svc.status(), 201, await svc.text());
    await until(
      'the httpd pod to run',
      async () => {
        const p = await (await page.request.get(k8s('/api/v1/namespaces/default/pods/httpd'))).json();
        return p.status?.phase === 'Running';
      },
      60_000,
    );
    await reload(page); // the page opened before the cluster existed: land on its overview
  });

  after(async () => {
    if (page) await screenshot(page, 'pf-term-last');
    await f?.close();
  });

  async function forwardFrom(kind: 'pod' | 'service', localPort?: number): Promise<number> {
    await page.keyboard.press('Escape'); // a list left open would cover the panel
    await page.getByTestId(kind === 'pod' ? 'nav-pods' : 'nav-services').click();
    await page.locator('[data-testid="row"][data-name="httpd"]').click();
    await page.locator('[data-testid="detail-panel"][data-name="httpd"]').waitFor();
    await page.getByTestId('action-port-forward').click();
    if (localPort) await page.getByTestId('pf-local-port').fill(String(localPort));
    await page.getByTestId('confirm-button').click();
    const row = page.locator(`[data-testid="port-forwards"] [data-testid="pf-row"][data-kind="${kind}"][data-name="httpd"]`);
    await row.waitFor({ timeout: 20_000 });
    await screenshot(page, `pf-${kind}`);
    return Number(await row.getAttribute('data-local-port'));
  }

  async function stop(kind: 'pod' | 'service', port: number): Promise<void> {
    const list = page.getByTestId('port-forwards');
    if (!(await list.isVisible())) await page.getByTestId('port-forwards-button').click();
    await page.locator(`[data-testid="pf-row"][data-kind="${kind}"][data-local-port="${port}"] [data-testid="pf-stop"]`).click();
    await until(
      'the row to go',
      async () => (await page.locator(`[data-testid="pf-row"][data-local-port="${port}"]`).count()) === 0,
      10_000,
    );
    await page.keyboard.press('Escape');
  }

  test('Port-forward from the pod: the page arrives, 5 at once too; Stop closes the port', async () => {
    const port = await forwardFrom('pod');
    assert.ok(port > 0);
    const link = page.locator(`[data-testid="pf-row"][data-local-port="${port}"] [data-testid="pf-link"]`);
    assert.equal(await link.getAttribute('href'), `http://127.0.0.1:${port}`);
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await get(port), `200 ${PAGE}`);
    const many = await Promise.all(Array.from({ length: 5 }, () => get(port, '/index.html')));
    for (const r of many) assert.equal(r, `200 ${PAGE}`);
    await stop('pod', port);
    assert.equal(await connectError(port), 'ECONNREFUSED');
  });

  test('Port-forward from the Service on a chosen local port reaches its targetPort; a taken port is refused clearly', async () => {
    const chosen = await freePort();
    const port = await forwardFrom('service', chosen);
    assert.equal(port, chosen);
    assert.equal(await get(port), `200 ${PAGE}`);
    // The same local port again: the dialog stays open and says why.
    await page.keyboard.press('Escape');
    await page.getByTestId('action-port-forward').click();
    await page.getByTestId('pf-local-port').fill(String(chosen));
    await page.getByTestId('confirm-button').click();
    await page
      .locator('[data-testid="confirm-dialog"] [role="alert"]')
      .filter({ hasText: /already in use/ })
      .waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');
    await stop('service', port);
    assert.equal(await connectError(port), 'ECONNREFUSED');
  });

  test('a local terminal runs kubectl against the cluster with its own KUBECONFIG', async () => {
    await page.getByTestId('local-terminal').click();
    const term = page.locator('[data-testid="terminal"][data-kind="local"]:not([hidden])');
    await page.locator('[data-testid="terminal"][data-kind="local"][data-state="open"]:not([hidden])').waitFor({ timeout: 20_000 });
    await term.locator('.xterm').click();
    await page.keyboard.type('echo "KC=[$KUBECONFIG]"\n');
    await until('the KUBECONFIG line', async () => /KC=\[\/[^\]]+\]/.test(await term.locator('.xterm-rows').innerText()), 15_000);
    const path = /KC=\[(\/[^\]]+)\]/.exec(await term.locator('.xterm-rows').innerText())![1];
    assert.doesNotMatch(path, /\.kube\/config$/);
    await page.keyboard.type('kubectl get nodes\n');
    await until(
      `node ${nodeName} in the terminal`,
      async () =>
        (await term.locator('.xterm-rows').innerText()).includes(nodeName) && /Ready/.test(await term.locator('.xterm-rows').innerText()),
      30_000,
    );
    await screenshot(page, 'local-terminal');
    await page.keyboard.type('exit\n');
    await page.locator('[data-testid="terminal"][data-kind="local"][data-state="exited"]').waitFor({ timeout: 10_000 });
  });
});
