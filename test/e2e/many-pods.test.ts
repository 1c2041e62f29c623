// 50,000 pods in a simulated cluster: the pods view renders, scrolls (virtualized) and filters.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { screenshot } from './browser';
import { startScaleFixture, type ScaleFixture } from './scale-fixture';
import { waitFor } from '../wait-for';

const COUNT = 50_000;
let f: ScaleFixture;
let page: Page;

const count = async () => Number((await page.getByTestId('list-count').innerText()).replace(/[^\d]/g, ''));
const visibleNames = () => page.locator('[data-testid="row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));

const until = (what: string, fn: () => Promise<boolean>, timeoutMs = 60_000) => waitFor(what, fn, timeoutMs, 200);

before(async () => {
  f = await startScaleFixture('big');
  await f.load({ mode: 'create', count: COUNT });
  page = f.page;
});
after(async () => {
  if (page) await screenshot(page, 'many-pods-last');
  await f?.close();
});

test('the pods view lists all 50,000 pods with only the visible rows in the page', async () => {
  await page.getByTestId('nav-pods').click();
  await page.locator('[data-testid="row"]').first().waitFor({ timeout: 30_000 });
  await until('all pods counted', async () => (await count()) === COUNT, 60_000);
  const rows = (await visibleNames()).length;
  assert.ok(rows > 5 && rows < 300, `${rows} rows in the DOM`);
  await screenshot(page, 'many-pods-list');
});

test('scrolling moves through the list', async () => {
  const before = await visibleNames();
  await page.locator('[data-testid="row"]').first().hover();
  for (let i = 0; i < 20; i++) await page.mouse.wheel(0, 5000);
  await until(
    'other rows',
    async () => {
      const now = await visibleNames();
      return now.length > 5 && !now.includes(before[0]);
    },
    10_000,
  );
});

test('filtering narrows 50,000 rows to the matches', async () => {
  await page.getByTestId('list-filter').fill('load-4999');
  await until('11 matches', async () => (await count()) === 11, 10_000);
  const names = await visibleNames();
  assert.ok(names.includes('load-4999') && names.includes('load-49999'), names.join(','));
  await page.getByTestId('list-filter').fill('');
  await until('all rows again', async () => (await count()) === COUNT, 10_000);
});
