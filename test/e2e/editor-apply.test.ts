// The editor's server-side apply (issue 13): a ConfigMap another manager ("kubectl") applied is
// edited in the app; Server-side apply reports the field conflict naming kubectl, Force apply
// takes the field over, and the object's managedFields name "skiff" as its manager.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTestApiServer, type TestApiServer } from '../../electron/host/testing/test-api-server';
import { startAppFixture, type AppFixture } from './app-fixture';
import { screenshot } from './browser';
import { waitFor } from '../wait-for';

const PROFILE = 'skiff-ssa';
const until = (what: string, fn: () => Promise<boolean>, timeoutMs = 15_000) => waitFor(what, fn, timeoutMs, 150);

let f: AppFixture;
let api: TestApiServer;
let page: Page;
const pageErrors: string[] = [];
const k8s = (path: string) => `${f.url}/k8s/${PROFILE}${path}`;

before(async () => {
  f = await startAppFixture();
  page = f.page;
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
  api = await startTestApiServer('ssa');
  const res = await page.request.post(`${f.url}/api/profile-sources`, { data: { path: api.kubeconfigPath } });
  assert.equal(res.status(), 201, await res.text());
  const entry = page.locator(`[data-testid="profile-entry"][data-profile="${PROFILE}"]`);
  await until('the profile ready', async () => (await entry.getAttribute('data-status')) === 'ready');
  await entry.getByTestId('profile-select').click();
});
after(async () => {
  if (page) await screenshot(page, 'editor-apply-last');
  await f?.close();
  await api?.close();
});

async function setEditorText(text: string): Promise<void> {
  const content = page.locator('[data-testid="yaml-editor"] .cm-content');
  await content.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

void test('server-side apply from the editor: a conflict names the other manager, Force apply takes the field', async () => {
  const applied = await page.request.patch(k8s('/api/v1/namespaces/default/configmaps/owned?fieldManager=kubectl'), {
    headers: { 'Content-Type': 'application/apply-patch+yaml' },
    data: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\ndata:\n  color: red\n',
  });
  assert.equal(applied.status(), 201, await applied.text());
  await page.getByTestId('nav-configmaps').click();
  await page.locator('[data-testid="row"][data-name="owned"]').click();
  await page.locator('[data-testid="detail-panel"][data-name="owned"] [data-testid="action-yaml"]').click();
  await page.getByTestId('ssa-button').waitFor();
  await setEditorText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\n  namespace: default\ndata:\n  color: blue\n');

  await page.getByTestId('ssa-button').click();
  const status = page.getByTestId('editor-status');
  await until('the conflict', async () => /conflict/i.test(await status.innerText()));
  assert.match(await status.innerText(), /\.data\.color \(managed by "kubectl"\)/);
  await screenshot(page, 'editor-apply-01-conflict');

  await page.getByTestId('ssa-force').click();
  await until('force-applied', async () => /Force-applied configmap owned/.test(await status.innerText()));
  const obj = (await (await page.request.get(k8s('/api/v1/namespaces/default/configmaps/owned'))).json()) as {
    data: Record<string, string>;
    metadata: { managedFields: { manager: string; operation: string }[] };
  };
  assert.equal(obj.data.color, 'blue');
  const managers = obj.metadata.managedFields.map((m) => `${m.manager}/${m.operation}`);
  assert.deepEqual(managers, ['skiff/Apply']);
  assert.equal(await page.getByTestId('ssa-force').count(), 0);
  assert.deepEqual(pageErrors, []);
});
