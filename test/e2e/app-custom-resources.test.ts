// Custom resources in the app (simulated node): a CRD created while the app is open shows up
// under "Custom resources", in its API group, without a reload; its list has the CRD's printer
// columns (priority 1 only in wide mode) with the values the server's Table gives; a row opens.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startAppFixture, startClusterThroughApp, type AppFixture } from './app-fixture';
import { reload, screenshot } from './browser';
import { waitFor } from '../wait-for';

const CLUSTER = 'crui';
const PROFILE = `skiff-${CLUSTER}`;
const GROUP = 'stable.example.com';

let f: AppFixture;
let page: Page;
const k8s = (path: string) => `${f.url}/k8s/${PROFILE}${path}`;
const headers = () => page.locator('[data-testid="column-header"]').allTextContents();

before(async () => {
  f = await startAppFixture();
  page = f.page;
  await startClusterThroughApp(f, CLUSTER);
  await reload(page);
  await page.locator('[data-testid="node-row"]').first().waitFor({ timeout: 60_000 });
});
after(async () => {
  if (page) await screenshot(page, 'crd-last');
  await f?.close();
});

void test('a new CRD appears under its group without a reload; its list shows the printer columns', async () => {
  const crd = await page.request.post(k8s('/apis/apiextensions.k8s.io/v1/customresourcedefinitions'), {
    data: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${GROUP}` },
      spec: {
        group: GROUP,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string' } } },
                },
              },
            },
            additionalPrinterColumns: [
              { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
              { name: 'Color', type: 'string', jsonPath: '.spec.color', priority: 1 },
              { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
            ],
          },
        ],
      },
    },
  });
  assert.equal(crd.status(), 201, await crd.text());
  await waitFor(
    'the Widget CRD to be served',
    async () => (await page.request.get(k8s(`/apis/${GROUP}/v1/namespaces/default/widgets`))).status() === 200,
    20_000,
    200,
  );
  const cr = await page.request.post(k8s(`/apis/${GROUP}/v1/namespaces/default/widgets`), {
    data: { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 7, color: 'teal' } },
  });
  assert.equal(cr.status(), 201, await cr.text());

  // No reload: the sidebar's CRD poll sees it and reads discovery again.
  const nav = page.locator(`[data-testid="nav-crd-group"][data-group="${GROUP}"] [data-testid="nav-widgets"]`);
  await nav.waitFor({ timeout: 30_000 });
  await page.getByTestId('nav-all-kinds').click(); // open: the kind is listed once, not again under All kinds
  assert.equal(await page.locator('[data-testid="nav-widgets"]').count(), 1);
  await nav.click();
  const row = page.locator('[data-testid="row"][data-name="w1"]');
  await row.waitFor({ timeout: 20_000 });
  const names = await headers();
  assert.ok(names.includes('Size') && names.includes('Age'), `columns: ${names.join(', ')}`);
  assert.ok(!names.includes('Color'), 'a priority-1 column only in wide mode');
  assert.ok((await row.textContent())?.includes('7'));
  await page.getByTestId('wide-toggle').check();
  await waitFor('the wide column', async () => (await headers()).includes('Color'), 10_000, 100);
  assert.ok((await row.textContent())?.includes('teal'));
  await screenshot(page, 'crd-list');

  await row.click();
  await page.locator('[data-testid="detail-panel"][data-kind="Widget"][data-name="w1"]').waitFor();
});
