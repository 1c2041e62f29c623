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
const until = (what: string, fn: () => Promise<boolean>) => waitFor(what, fn, 20_000, 100);
const row = (name: string) => page.locator(`[data-testid="row"][data-name="${name}"]`);

async function create(path: string, body: object): Promise<{ status?: { token?: string } }> {
  const res = await page.request.post(`${f.url}/k8s/${admin}${path}`, { data: body });
  assert.equal(res.status(), 201, await res.text());
  return (await res.json()) as { status?: { token?: string } };
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
  const token = (
    await create('/api/v1/namespaces/team/serviceaccounts/viewer/token', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    })
  ).status?.token;
  assert.ok(token, 'a token');
  // The admin kubeconfig's cluster entry (server, CA) with the ServiceAccount's token.
  const kc = parseYaml(await (await page.request.get(`${f.url}/api/profiles/${admin}/kubeconfig`)).text()) as {
    clusters: Array<{ cluster: object }>;
  };
  const text = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'rbac', cluster: kc.clusters[0].cluster }],
    users: [{ name: 'viewer', user: { token } }],
    contexts: [{ name: VIEWER, context: { cluster: 'rbac', user: 'viewer', namespace: 'team' } }],
    'current-context': VIEWER,
  });
  const res = await page.request.post(`${f.url}/api/profile-sources`, { data: { text } });
  assert.equal(res.status(), 201, await res.text());
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
