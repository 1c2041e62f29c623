// The app knows RBAC (issue 12): a kubeconfig for a ServiceAccount that may only read pods
// (and their logs) in namespace "team" of a local cluster, pasted as a profile. Its actions
// are disabled with the reason from the access reviews (panel, bulk bar, palette, table keys),
// a list it may not read says so, and the cluster's admin profile keeps every action.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { parse as parseYaml, stringify } from 'yaml';
import { waitFor } from '../wait-for';
import { startAppFixture, startClusterThroughApp, type AppFixture } from './app-fixture';
import { goto, screenshot } from './browser';

let f: AppFixture;
let page: Page;
let admin = '';
const VIEWER = 'team-viewer';
const READER = 'team-reader';
const until = (what: string, fn: () => Promise<boolean>) => waitFor(what, fn, 20_000, 100);
const row = (name: string) => page.locator(`[data-testid="row"][data-name="${name}"]`);

async function create(path: string, body: object): Promise<{ status?: { token?: string } }> {
  const res = await page.request.post(`${f.url}/k8s/${admin}${path}`, { data: body });
  assert.equal(res.status(), 201, await res.text());
  return (await res.json()) as { status?: { token?: string } };
}

/** Pastes a kubeconfig for ServiceAccount team/<sa>: the admin kubeconfig's cluster entry (server, CA) with the SA's token. */
async function addProfile(context: string, sa: string) {
  const token = (
    await create(`/api/v1/namespaces/team/serviceaccounts/${sa}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    })
  ).status?.token;
  assert.ok(token, 'a token');
  const kc = parseYaml(await (await page.request.get(`${f.url}/api/profiles/${admin}/kubeconfig`)).text()) as {
    clusters: Array<{ cluster: object }>;
  };
  const text = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'rbac', cluster: kc.clusters[0].cluster }],
    users: [{ name: sa, user: { token } }],
    contexts: [{ name: context, context: { cluster: 'rbac', user: sa, namespace: 'team' } }],
    'current-context': context,
  });
  const res = await page.request.post(`${f.url}/api/profile-sources`, { data: { text } });
  assert.equal(res.status(), 201, await res.text());
}

before(async () => {
  f = await startAppFixture();
  page = f.page;
  page.setDefaultTimeout(10_000);
  admin = await startClusterThroughApp(f, 'rbac');
  await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  await create('/api/v1/namespaces/team/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'viewer' } });
  await create('/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'pod-reader' },
    rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }],
  });
  await create('/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'viewer-reads-pods' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'viewer', namespace: 'team' }],
  });
  for (const name of ['p1', 'p2'])
    await create('/api/v1/namespaces/team/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'main', image: 'busybox' }] },
    });
  await addProfile(VIEWER, 'viewer');
  // A second identity: a namespaced read-only Role (pods, config maps, events, deployments) in team.
  await create('/api/v1/namespaces/team/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader' } });
  await create('/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'reader' },
    rules: [
      { apiGroups: [''], resources: ['pods', 'configmaps', 'events'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] },
    ],
  });
  await create('/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'reader-reads' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'team' }],
  });
  await create('/api/v1/namespaces/team/configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings' },
    data: { a: '1' },
  });
  await addProfile(READER, 'reader');
});
after(async () => {
  if (page) await screenshot(page, 'rbac-last');
  await f?.close();
});

void test('a pod panel offers only what the identity may do, each refusal with its reason', async () => {
  await goto(page, `${f.url}/#/c/${VIEWER}/core/pods?ns=team`);
  await row('p2').waitFor({ timeout: 20_000 });
  await row('p1').click();
  const panel = page.getByTestId('detail-panel');
  await panel.waitFor();
  const denied = (id: string) => panel.getByTestId(id).getAttribute('data-rbac-denied');
  await until('the delete button to be refused', async () => !!(await denied('action-delete')));
  assert.equal(await denied('action-delete'), 'You lack delete on pods in namespace team (RBAC)');
  assert.ok(await panel.getByTestId('action-delete').isDisabled());
  assert.equal(await denied('action-shell'), 'You lack create on pods/exec in namespace team (RBAC)');
  assert.equal(await denied('action-port-forward'), 'You lack create on pods/portforward in namespace team (RBAC)');
  assert.equal(await denied('action-logs'), null, 'logs are allowed');
  assert.ok(await panel.getByTestId('action-logs').isEnabled());
  assert.equal(await panel.getByTestId('action-yaml').innerText(), 'View YAML');
  assert.match(await page.getByTestId('rbac-note').innerText(), /lack update on pods.*lack delete on pods/);
  assert.match((await page.getByTestId('create-button').getAttribute('title')) ?? '', /lack create on pods in namespace team/);
  assert.ok(await page.getByTestId('create-button').isDisabled());
  // Events are read in the pod's namespace; this identity may not list them there either, and is told so.
  await until('the events refusal', async () =>
    /You \(system:serviceaccount:team:viewer\) lack list on events in namespace team \(RBAC\)/.test(
      await panel.getByTestId('events-section').innerText(),
    ),
  );
  await screenshot(page, 'rbac-pod-panel');
});

void test('bulk, the palette and the table keys respect the same answers', async () => {
  await row('p1').getByTestId('row-mark').check();
  await row('p2').getByTestId('row-mark').check();
  const bulkDelete = page.getByTestId('bulk-delete');
  await until('bulk delete refused', async () => (await bulkDelete.getAttribute('data-rbac-denied')) !== null);
  assert.ok(await bulkDelete.isDisabled());
  assert.match((await bulkDelete.getAttribute('title')) ?? '', /lack delete on pods in namespace team/);
  await page.getByTestId('bulk-clear').click();

  // The palette lists the selected pod's actions, the refused ones with their reason, and does not run them.
  await page.keyboard.press('ControlOrMeta+K');
  await page.getByTestId('palette-input').fill('Delete Pod p1');
  const item = page.getByTestId('palette-item').filter({ hasText: 'Delete Pod p1' });
  await until('the palette to say why', async () => /not allowed: You lack delete on pods/.test(await item.first().innerText()));
  assert.equal(await item.first().getAttribute('aria-disabled'), 'true');
  await page.keyboard.press('Enter');
  await page.getByTestId('palette-input').fill('Logs of Pod p1');
  assert.doesNotMatch(await page.getByTestId('palette-item').first().innerText(), /not allowed/);
  await page.keyboard.press('Escape');
  assert.equal(await page.getByTestId('confirm-dialog').count(), 0, 'no delete dialog from the palette');

  // d on the table: the reason at once, no dialog.
  await page.getByTestId('table').focus();
  await page.keyboard.press('d');
  await page.locator('.toast', { hasText: /You lack delete on pods in namespace team \(RBAC\)/ }).waitFor({ timeout: 5000 });
  assert.equal(await page.getByTestId('confirm-dialog').count(), 0);
});

void test('a list the identity may not read says so instead of failing', async () => {
  await goto(page, `${f.url}/#/c/${VIEWER}/apps/deployments?ns=team`);
  const notice = page.getByTestId('list-forbidden');
  await notice.waitFor({ timeout: 20_000 });
  assert.match(await notice.innerText(), /^You cannot list deployments in namespace team \(RBAC\)/);
  assert.match(await notice.innerText(), /system:serviceaccount:team:viewer\) lack list on deployments \(apps\) in namespace team/);
  await screenshot(page, 'rbac-list-forbidden');
});

void test("the cluster's admin profile keeps every action", async () => {
  await goto(page, `${f.url}/#/c/${admin}/core/pods?ns=team`);
  await row('p1').click();
  const panel = page.getByTestId('detail-panel');
  await panel.getByTestId('action-delete').waitFor();
  // Asked and allowed: nothing refused, Delete opens its dialog.
  await until('the reviews to answer', async () => (await panel.locator('.detail-actions').getAttribute('data-access')) === 'known');
  assert.equal(await page.getByTestId('rbac-note').count(), 0);
  assert.equal(await panel.locator('[data-rbac-denied]').count(), 0);
  await panel.getByTestId('action-delete').click();
  await page.getByTestId('confirm-dialog').waitFor();
});

void test('a namespaced read-only identity: unlistable kinds disabled in the sidebar, the overview says once what it may not read', async () => {
  await goto(page, `${f.url}/#/c/${READER}?ns=team`);
  const nav = (id: string) => page.getByTestId('sidebar').getByTestId(id);
  await until('secrets refused in the sidebar', async () => !!(await nav('nav-secrets').getAttribute('data-rbac-denied')));
  assert.equal(await nav('nav-secrets').getAttribute('data-rbac-denied'), 'You lack list on secrets in namespace team (RBAC)');
  assert.equal(await nav('nav-secrets').getAttribute('aria-disabled'), 'true');
  assert.equal(await nav('nav-secrets').getAttribute('title'), 'You lack list on secrets in namespace team (RBAC)');
  assert.equal(await nav('nav-secrets').getAttribute('aria-description'), 'You lack list on secrets in namespace team (RBAC)');
  await until('nodes refused in the sidebar', async () => !!(await nav('nav-nodes').getAttribute('data-rbac-denied')));
  assert.equal(await nav('nav-nodes').getAttribute('data-rbac-denied'), 'You lack list on nodes cluster-wide (RBAC)');
  assert.equal(await nav('nav-pods').getAttribute('data-rbac-denied'), null, 'pods may be listed');
  assert.equal(await nav('nav-configmaps').getAttribute('aria-disabled'), null);
  // A refused kind does not open (its reason is the tooltip).
  await nav('nav-secrets').click({ force: true }); // aria-disabled: Playwright would wait for it to enable
  assert.equal(await page.getByTestId('overview').count(), 1, 'still on the overview');

  const overview = page.getByTestId('overview');
  await until('the overview note', async () => (await overview.getByTestId('overview-refused').count()) === 1);
  assert.match(await overview.getByTestId('overview-refused').innerText(), /You lack list on nodes cluster-wide \(RBAC\)/);
  assert.doesNotMatch(await overview.innerText(), /Cannot read the cluster|forbidden/i, 'no error per refused kind');
  // Pods may be listed in team: counted, not refused.
  await until('pods counted', async () => !/[…—]/.test(await overview.getByTestId('pod-phases').innerText()));
  await screenshot(page, 'rbac-reader-sidebar');
});

void test("the editor's Apply is disabled with the reason when the identity may not update the object", async () => {
  await goto(page, `${f.url}/#/c/${READER}/core/configmaps?ns=team`);
  await row('settings').click();
  const panel = page.getByTestId('detail-panel');
  await until('the panel to know', async () => (await panel.locator('.detail-actions').getAttribute('data-access')) === 'known');
  await panel.getByTestId('action-yaml').click();
  const editor = page.getByTestId('yaml-editor');
  await editor.waitFor();
  const apply = editor.getByTestId('apply-button');
  await until('Apply refused', async () => !!(await apply.getAttribute('data-rbac-denied')));
  assert.ok(await apply.isDisabled());
  assert.equal(await apply.getAttribute('title'), 'You lack update on configmaps in namespace team (RBAC)');
  assert.equal(
    await editor.getByTestId('ssa-button').getAttribute('data-rbac-denied'),
    'You lack patch on configmaps in namespace team (RBAC)',
  );
  assert.ok(await editor.getByTestId('ssa-button').isDisabled());
  assert.match(await editor.getByTestId('editor-rbac').innerText(), /Read-only: You lack update on configmaps in namespace team/);
  await screenshot(page, 'rbac-reader-editor');
  await editor.getByTestId('editor-close').click();
  await editor.waitFor({ state: 'detached' });
});

void test('a deleted binding shows at the first 403, not after the answers expire', async () => {
  await goto(page, `${f.url}/#/c/${READER}/core/pods?ns=team`);
  const nav = (id: string) => page.getByTestId('sidebar').getByTestId(id);
  await row('p1').waitFor({ timeout: 20_000 });
  await until('the sidebar to know', async () => (await nav('nav-secrets').getAttribute('data-rbac-denied')) !== null);
  assert.equal(await nav('nav-configmaps').getAttribute('data-rbac-denied'), null);
  const res = await page.request.delete(
    `${f.url}/k8s/${admin}/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings/reader-reads`,
  );
  assert.equal(res.status(), 200, await res.text());
  const deleted = Date.now();
  // Nothing has told the app yet: its answers (30 s) still offer config maps.
  await page.waitForTimeout(1500);
  assert.equal(await nav('nav-configmaps').getAttribute('data-rbac-denied'), null, 'cached answer until a 403');
  // Opening config maps meets the 403; the answers for team are dropped and asked again.
  await nav('nav-configmaps').click();
  await page.getByTestId('list-forbidden').waitFor({ timeout: 20_000 });
  await waitFor('the sidebar to flip', async () => (await nav('nav-pods').getAttribute('data-rbac-denied')) !== null, 20_000, 100);
  assert.ok(Date.now() - deleted < 30_000, 'before the cached answers would have expired');
  assert.equal(await nav('nav-pods').getAttribute('data-rbac-denied'), 'You lack list on pods in namespace team (RBAC)');
  assert.equal(await nav('nav-configmaps').getAttribute('data-rbac-denied'), 'You lack list on configmaps in namespace team (RBAC)');
  await screenshot(page, 'rbac-reader-revoked');
});
