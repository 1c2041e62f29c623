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

// Chromium aborts a navigation with ERR_NETWORK_CHANGED when a network interface appears or
// goes (Docker tests running beside these add and remove bridges); the navigation is repeated.
async function navigate<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (attempt >= 4 || !String(err).includes('ERR_NETWORK_CHANGED')) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export const reload = (page: Page) => navigate(() => page.reload());
export const goto = (page: Page, url: string) => navigate(() => page.goto(url));
