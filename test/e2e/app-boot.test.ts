// What the window loads when it opens (issue 14's reload figure): at boot only the scripts
// index.html names run; the YAML editor (CodeMirror) and terminals (xterm.js) are chunks fetched
// the first time they open. A reload asks for its list's first page once, before
// the host's data has landed (renderer/state/prime-route.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startAppFixture, startClusterThroughApp, type AppFixture } from './app-fixture';
import { reload, screenshot } from './browser';

// Page source text (tsx's helpers do not exist in the page).
const SCRIPTS = `performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/assets/') && p.endsWith('.js'))`;
const FIRST_PAGES = `performance.getEntriesByType('resource').filter((e) => {
  const u = new URL(e.name);
  return u.pathname.endsWith('/api/v1/namespaces/default/pods') && u.search === '?includeObject=Metadata&limit=500';
}).map((e) => e.startTime)`;
const LANDED = `performance.getEntriesByName('skiff:landed')[0]?.startTime`;

let f: AppFixture;
let page: Page;
let profile: string;
const pageErrors: string[] = [];
const scripts = () => page.evaluate<string[]>(SCRIPTS);

before(async () => {
  f = await startAppFixture();
  page = f.page;
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
  profile = await startClusterThroughApp(f, 'boot');
  const pod = await page.request.post(`${f.url}/k8s/${profile}/api/v1/namespaces/default/pods`, {
    data: { metadata: { name: 'one' }, spec: { schedulerName: 'nobody', containers: [{ name: 'main', image: 'registry.example/app:1' }] } },
  });
  assert.equal(pod.status(), 201, await pod.text());
  await page.evaluate(`location.hash = ${JSON.stringify(`#/c/${profile}/core/pods?ns=default`)}`);
  await reload(page);
  await page.locator('[data-testid="row"][data-name="one"]').waitFor();
});
after(async () => {
  if (page) await screenshot(page, 'boot-last');
  await f?.close();
});

void test('at boot only the files index.html names run; the editor and a terminal each bring their own chunk when first opened', async () => {
  const html = await (await page.request.get(`${f.url}/`)).text();
  const named = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  assert.ok(named.length >= 1, html);
  const booted = await scripts();
  assert.deepEqual(
    booted.filter((s) => !named.includes(s)),
    [],
    'scripts beyond those index.html names',
  );
  const fresh = async (before: string[]) => (await scripts()).filter((s) => !before.includes(s));

  await page.getByTestId('create-button').click();
  await page.locator('[data-testid="yaml-editor"] .cm-content').waitFor();
  const editorChunks = await fresh(booted);
  assert.ok(editorChunks.length >= 1, 'the editor (CodeMirror) came in chunks of its own');
  await page.getByTestId('editor-close').click();
  await page.getByTestId('yaml-editor').waitFor({ state: 'detached' });

  const beforeTerminal = await scripts();
  await page.getByTestId('local-terminal').click();
  await page.locator('[data-testid="terminal"][data-kind="local"] .xterm').waitFor({ timeout: 20_000 });
  assert.ok((await fresh(beforeTerminal)).length >= 1, 'the terminal (xterm.js) came in chunks of its own');
  await page.getByTestId('dock-tab-close').first().click();
  await page.getByTestId('dock').waitFor({ state: 'detached' });
  assert.deepEqual(pageErrors, []);
});

void test("a reload asks for its list's first page once, before the host's data has landed", async () => {
  await reload(page);
  await page.locator('[data-testid="row"][data-name="one"]').waitFor();
  const asked = await page.evaluate<number[]>(FIRST_PAGES);
  const landed = await page.evaluate<number | undefined>(LANDED);
  assert.equal(asked.length, 1, `first pages asked: ${asked.length}`);
  assert.ok(landed !== undefined && asked[0] < landed, `asked at ${asked[0]} ms, landed at ${landed} ms`);
  assert.deepEqual(pageErrors, []);
});
