// axe-core in a Playwright page: the serious and critical violations, one line each with where
// (axe-core is a devDependency; SKIFF_AXE_SCRIPT points at another copy of axe.min.js).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeScript = () => process.env.SKIFF_AXE_SCRIPT ?? createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeResult {
  violations: Array<{ id: string; impact?: string; help: string; nodes: Array<{ target: string[]; failureSummary?: string }> }>;
}

export async function seriousViolations(page: Page, where: string): Promise<string[]> {
  // Evaluated through the debugger protocol: the app's CSP (script-src 'self') refuses a script tag.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(axeScript(), 'utf8'));
  const r = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<AxeResult> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.length} node(s): ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}; first: ${v.nodes[0]?.failureSummary?.replace(/\s+/g, ' ')}`,
    );
}
