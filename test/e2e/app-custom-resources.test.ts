// Custom resources in the app (simulated node): a CRD created while the app is open shows up
// under "Custom resources", in its API group, without a reload; its list has the CRD's printer
// columns (priority 1 only in wide mode) with the values the server's Table gives; a row opens.
// A custom resource's panel shows its printer columns, conditions and fields with the schema's
// descriptions; the CRD's panel opens its list. The editor places a CR's schema errors on their
// lines, and a server-side apply conflict on the line of the field, naming the other manager.
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
  // Discovery as the app reads it: the two aggregated documents, no request per group version.
  const discoveryReads: string[] = [];
  const onRequest = (r: { url(): string; headers(): Record<string, string> }) => {
    const path = new URL(r.url()).pathname.replace(`/k8s/${PROFILE}`, '');
    if (/^\/api(\/[^/]+)?$|^\/apis(\/[^/]+){0,2}$/.test(path)) discoveryReads.push(`${path} ${r.headers().accept}`);
  };
  page.on('request', onRequest);
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
  page.off('request', onRequest);
  assert.ok(discoveryReads.length >= 2, `discovery reads: ${discoveryReads.join('; ')}`);
  for (const read of discoveryReads)
    assert.match(read, /^\/(api|apis) .*as=APIGroupDiscoveryList/, `discovery reads: ${discoveryReads.join('; ')}`);
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

const GADGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `gadgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: 'A gadget on the shelf.',
            properties: {
              spec: {
                type: 'object',
                description: 'What the gadget should be.',
                properties: {
                  size: { type: 'integer', description: 'How many gadgets to keep.' },
                  color: { type: 'string', enum: ['red', 'green', 'blue'], description: 'The paint.' },
                },
              },
              status: {
                type: 'object',
                properties: {
                  phase: { type: 'string', description: 'Where the gadget is in its life.' },
                  conditions: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
                },
              },
            },
          },
        },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'The life phase.' },
        ],
      },
    ],
  },
};
const GADGETS = `/apis/${GROUP}/v1/namespaces/default/gadgets`;
const panel = () => page.locator('[data-testid="detail-panel"][data-kind="Gadget"][data-name="g1"]');
const field = (path: string) => panel().locator(`[data-testid="cr-field"][data-path="${path}"]`);

void test("a custom resource's panel: printer columns, conditions, spec and status with the schema's words; the CRD links its list", async () => {
  const crd = await page.request.post(k8s('/apis/apiextensions.k8s.io/v1/customresourcedefinitions'), { data: GADGET_CRD });
  assert.equal(crd.status(), 201, await crd.text());
  await waitFor('the Gadget CRD to be served', async () => (await page.request.get(k8s(GADGETS))).status() === 200, 20_000, 200);
  // Made by another manager ("kubectl"), as `kubectl apply --server-side` does: the editor test below conflicts with it.
  const made = await page.request.patch(k8s(`${GADGETS}/g1?fieldManager=kubectl`), {
    headers: { 'Content-Type': 'application/apply-patch+yaml' },
    data: `apiVersion: ${GROUP}/v1\nkind: Gadget\nmetadata:\n  name: g1\nspec:\n  size: 3\n  color: red\n`,
  });
  assert.equal(made.status(), 201, await made.text());
  const current = (await made.json()) as Record<string, unknown>;
  const status = await page.request.put(k8s(`${GADGETS}/g1/status`), {
    data: {
      ...current,
      status: {
        phase: 'Shelved',
        conditions: [
          { type: 'Ready', status: 'True', reason: 'OnTheShelf', message: 'dusted', lastTransitionTime: new Date().toISOString() },
        ],
      },
    },
  });
  assert.equal(status.status(), 200, await status.text());

  const nav = page.locator(`[data-testid="nav-crd-group"][data-group="${GROUP}"] [data-testid="nav-gadgets"]`);
  await nav.waitFor({ timeout: 30_000 });
  await nav.click();
  await page.locator('[data-testid="row"][data-name="g1"]').click();
  await panel().getByTestId('cr-section').waitFor({ timeout: 20_000 });
  const column = (name: string) => panel().locator(`[data-testid="printer-column"][data-column="${name}"]`);
  await column('Phase').waitFor({ timeout: 10_000 });
  assert.equal(await column('Size').textContent(), '3');
  assert.equal(await column('Phase').textContent(), 'Shelved');
  assert.ok((await panel().getByTestId('conditions').textContent())?.includes('OnTheShelf'));
  assert.equal(await field('spec.size').getByTestId('cr-value').textContent(), '3');
  assert.equal(await field('spec.size').getByTestId('cr-field-doc').textContent(), 'How many gadgets to keep.');
  assert.equal(await field('spec').getByTestId('cr-field-doc').first().textContent(), 'What the gadget should be.');
  assert.equal(await field('status.phase').getByTestId('cr-value').textContent(), 'Shelved');
  assert.equal(await field('status.conditions[0].reason').getByTestId('cr-value').textContent(), 'OnTheShelf');
  assert.equal(
    await field('status.conditions[0].reason').getByTestId('cr-field-doc').count(),
    0,
    'no schema words where the schema has none',
  );
  await screenshot(page, 'crd-cr-panel');

  // The CRD's own panel opens the list of what it serves.
  await page.keyboard.press('Escape');
  const crdNav = page.getByTestId('nav-customresourcedefinitions');
  if (!(await crdNav.isVisible())) await page.getByTestId('nav-all-kinds').click();
  await crdNav.click();
  await page.locator(`[data-testid="row"][data-name="gadgets.${GROUP}"]`).click();
  const crdPanel = page.locator(`[data-testid="detail-panel"][data-name="gadgets.${GROUP}"]`);
  await crdPanel.getByTestId('crd-open-list').click();
  await page.locator('[data-testid="row"][data-name="g1"]').waitFor({ timeout: 20_000 });
  assert.ok((await headers()).includes('Phase'));
});

const lineOf = async (re: RegExp) => {
  const errs = await page
    .getByTestId('editor-error')
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-line') ?? '', e.textContent ?? '']));
  return errs.find(([, text]) => re.test(text))?.[0];
};

async function setEditorText(text: string): Promise<void> {
  await page.locator('[data-testid="yaml-editor"] .cm-content').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

const GADGET = (size: string, color: string) =>
  `apiVersion: ${GROUP}/v1\nkind: Gadget\nmetadata:\n  name: g1\n  namespace: default\nspec:\n  size: ${size}\n  color: ${color}\n`;

void test("the editor: a CR's schema errors on their lines after Apply; a server-side apply conflict on its field's line, then Force", async () => {
  await page.locator('[data-testid="row"][data-name="g1"]').click();
  await panel().getByTestId('action-yaml').click();
  await page.getByTestId('ssa-button').waitFor();
  await setEditorText(GADGET('many', 'purple'));
  await page.getByTestId('apply-button').click();
  await waitFor(
    'both schema errors inline',
    async () => (await lineOf(/spec\.size/)) === '7' && (await lineOf(/spec\.color/)) === '8',
    15_000,
    150,
  );
  assert.match((await page.getByTestId('editor-errors').textContent()) ?? '', /must be of type integer/);
  assert.match((await page.getByTestId('editor-errors').textContent()) ?? '', /supported values: "red", "green", "blue"/i);
  await page.locator('.cm-lint-marker-error').first().waitFor(); // the gutter marks the lines too
  await screenshot(page, 'crd-editor-schema-errors');

  await setEditorText(GADGET('3', 'blue'));
  await waitFor('the errors to clear', async () => (await page.getByTestId('editor-error').count()) === 0, 15_000, 150);
  await page.getByTestId('ssa-button').click();
  await page.getByTestId('ssa-conflicts').waitFor({ timeout: 15_000 });
  const rows = await page.getByTestId('ssa-conflict').evaluateAll((els) => els.map((e) => e.textContent));
  assert.deepEqual(rows, ['.spec.color"kubectl"']);
  assert.equal(await lineOf(/\.spec\.color is managed by "kubectl"/), '8');
  await screenshot(page, 'crd-editor-ssa-conflict');

  await page.getByTestId('ssa-force').click();
  await waitFor(
    'force-applied',
    async () => /Force-applied gadget g1/.test(await page.getByTestId('editor-status').innerText()),
    15_000,
    150,
  );
  const obj = (await (await page.request.get(k8s(`${GADGETS}/g1`))).json()) as {
    spec: { color: string };
    metadata: { managedFields: { manager: string; operation: string }[] };
  };
  assert.equal(obj.spec.color, 'blue');
  assert.ok(obj.metadata.managedFields.some((m) => m.manager === 'skiff' && m.operation === 'Apply'));
  assert.equal(await page.getByTestId('ssa-conflicts').count(), 0);
});
