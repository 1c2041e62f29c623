// Chromium for the app's end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core
// (no browser download). Screenshots go to artifacts/e2e/ (kept by CI as artifacts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.SKIFF_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(new URL('../..', import.meta.url).pathname, 'artifacts', 'e2e');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) }).catch(() => {});
}
