// The whole app in browser mode for Playwright: the host in-process on a temp data dir, a
// Chromium page logged in through the launch URL. close() deletes every cluster it started.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startApp } from '../../electron/host/app-main';
import { waitFor } from '../wait-for';
import { launchBrowser, goto } from './browser';

const BIN = join(new URL('../..', import.meta.url).pathname, 'bin', 'skiff.mjs');

export interface AppFixture {
  url: string;
  launchUrl: string;
  dataDir: string;
  browser: Browser;
  page: Page;
  /**
   * Closes the host (clusters keep running) and starts a new one on the same data dir; the page
   * opens its launch URL (with route: the one `skiff app --open <route>` opens).
   */
  restart(opts?: { route?: string }): Promise<void>;
  close(): Promise<void>;
}

/**
 * sessionHeader (default true): tests' own page.request calls carry the session secret too (set
 * as an extra header of the browser context, so every page in it sends it: attack tests turn it off).
 */
export async function startAppFixture(env: Record<string, string> = {}, opts: { sessionHeader?: boolean } = {}): Promise<AppFixture> {
  const renderer = await import('../../scripts/build-renderer.mjs' as string);
  if (!renderer.isFresh()) await renderer.buildRenderer();
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
  let app = await startApp({ dataDir, port: 0, env: { ...process.env, ...env }, log: () => {} });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const login = async (route?: string) => {
    await page.context().setExtraHTTPHeaders({}); // not the last host's secret
    await goto(page, app.launchUrlFor(route));
    // Generous: the first page of a fresh CI machine can wait on Chromium's font cache.
    const secret = await page
      .waitForFunction(() => sessionStorage.getItem('skiff.session'), undefined, { timeout: 45_000 })
      .catch(async (e: Error) => {
        const seen = await page
          .evaluate(() => ({ href: location.href, body: document.body?.innerText.slice(0, 300) }))
          .catch(() => undefined);
        throw new Error(`the page never stored a session: ${e.message}; the page: ${JSON.stringify(seen)}`);
      });
    if (opts.sessionHeader !== false) await page.context().setExtraHTTPHeaders({ 'X-Skiff-Session': String(await secret.jsonValue()) });
  };
  await login();
  const fixture: AppFixture = {
    url: app.url,
    launchUrl: app.launchUrl,
    dataDir,
    browser,
    page,
    async restart(o = {}) {
      await app.close();
      app = await startApp({ dataDir, port: 0, env: { ...process.env, ...env }, log: () => {} });
      fixture.url = app.url;
      fixture.launchUrl = app.launchUrl;
      await login(o.route);
    },
    async close() {
      await browser.close().catch(() => {});
      await app.close();
      for (const name of clusterNames(dataDir)) {
        spawnSync(process.execPath, [BIN, 'delete', '--name', name, '--data-dir', dataDir], { stdio: 'ignore', timeout: 60_000 });
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Starts a cluster through the app's API and waits until it runs; returns its profile name. */
export async function startClusterThroughApp(f: AppFixture, name: string, runtime: 'simulated' | 'docker' = 'simulated'): Promise<string> {
  const res = await f.page.request.post(`${f.url}/api/clusters`, { data: { name, nodes: 1, runtime } });
  if (res.status() !== 202) throw new Error(`starting cluster ${name}: ${res.status()} ${await res.text()}`);
  await waitFor(
    `cluster ${name} to run`,
    async () => {
      const list = (await (await f.page.request.get(`${f.url}/api/clusters`)).json()) as { name: string; state: string }[];
      return list.find((c) => c.name === name)?.state === 'running';
    },
    90_000,
    200,
  );
  return `skiff-${name}`;
}

function clusterNames(dataDir: string): string[] {
  try {
    return readdirSync(dataDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
}
