// npm run bench -- app-paint: from spawning `skiff app --web` (browser mode) to what Chromium
// paints of its first screen, the median of --runs runs (default 3), each in a fresh browser
// context (a new launch is a new origin: nothing cached):
//   the URL printed; the first contentful paint (the target: ≤ 1 s);
//   the first meaningful paint: with no cluster, the first-run screen's Start button; with a
//   running (simulated) cluster in the data dir, its overview showing the node Ready.
// Beside the floor measured the same way in the same run: a bare Node HTTP server spawned,
// printing its URL, serving a one-line page. Chromium is launched once, before (a user's
// browser is already running). Paint times are read in the page (Paint Timing, and a
// MutationObserver's next animation frame), as wall-clock times from the spawn.
// --against DIR: another Skiff checkout (built), run in turn with this one in every run.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../e2e/browser';
import { ensureCliBuilt } from '../testing/ensure-cli-built';
import { waitFor } from '../wait-for';
import { newBenchCluster, skiffBin, skiffCmd, type BenchCluster } from './testing/bench-cluster';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const RUNS = Number(arg('runs', '3'));
const against = arg('against', '');
const bins = [...(against ? [{ label: 'base ', bin: join(against, 'bin/skiff.mjs') }] : []), { label: '', bin: skiffBin }];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const ms = (n: number) => `${Math.round(n).toLocaleString('en')} ms`;
const row = (what: string, figure: string, note: string) => console.log(`${what.padEnd(62)} ${figure.padStart(9)}   ${note}`);

interface Paint {
  url: number;
  fcp: number;
  meaningful: number;
}

// Runs in every document before its scripts (page source text: tsx's helpers do not exist there).
const WATCH = (selector: string, text: string) => `(() => {
  const re = new RegExp(${JSON.stringify(text)});
  const check = () => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (!el || !re.test(el.textContent || '')) return;
    obs.disconnect();
    requestAnimationFrame(() => (window.__meaningful = performance.timeOrigin + performance.now()));
  };
  const obs = new MutationObserver(check);
  obs.observe(document, { childList: true, subtree: true, characterData: true });
})()`;
const READ = `(() => {
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return fcp && window.__meaningful ? { fcp: performance.timeOrigin + fcp.startTime, meaningful: window.__meaningful } : null;
})()`;

/** Spawns a server that prints its URL, opens that URL, and times the paints from the spawn. */
async function timePaint(browser: Browser, command: string[], watch: { selector: string; text: string }): Promise<Paint> {
  const context = await browser.newContext();
  await context.addInitScript(WATCH(watch.selector, watch.text));
  const page = await context.newPage();
  const t0 = Date.now();
  const child = spawn(process.execPath, command, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' },
  });
  try {
    const url = await printedUrl(child);
    const urlAt = Date.now() - t0;
    await page.goto(url, { waitUntil: 'commit' });
    // Polled with evaluate: the app's CSP refuses waitForFunction's string evaluation.
    const { fcp, meaningful } = await waitFor(
      'the first meaningful paint',
      () => page.evaluate<{ fcp: number; meaningful: number } | null>(READ),
      60_000,
      50,
    );
    return { url: urlAt, fcp: fcp - t0, meaningful: meaningful - t0 };
  } finally {
    await context.close();
    await new Promise((r) => {
      if (child.exitCode !== null) return r(null);
      child.once('exit', r);
      child.kill('SIGTERM');
    });
  }
}

function printedUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /running at (http\S+)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing its URL: ${out}`)));
  });
}

// The floor: what spawning Node, serving a page and Chromium painting it cost here now.
const FLOOR_SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => res.end('<!doctype html><title>floor</title><h1>Skiff</h1><p>ready</p>'));
s.listen(0, '127.0.0.1', () => console.log('running at http://127.0.0.1:' + s.address().port + '/'));
process.on('SIGTERM', () => process.exit(0));
`;

function report(label: string, runs: Paint[], floor: Paint[]) {
  const of = (xs: Paint[], k: keyof Paint) => median(xs.map((r) => r[k]));
  const all = (k: keyof Paint) => runs.map((r) => Math.round(r[k])).join(', ');
  row(`${label}: URL printed`, ms(of(runs, 'url')), `floor ${ms(of(floor, 'url'))} (runs ${all('url')})`);
  const fcp = of(runs, 'fcp');
  row(
    `${label}: first contentful paint`,
    ms(fcp),
    `target ≤ 1,000 ms: ${fcp <= 1000 ? 'holds' : 'missed'}; floor ${ms(of(floor, 'fcp'))} (runs ${all('fcp')})`,
  );
  row(`${label}: first meaningful paint`, ms(of(runs, 'meaningful')), `floor ${ms(of(floor, 'meaningful'))} (runs ${all('meaningful')})`);
}

await ensureCliBuilt();
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(`load average before: ${load()}`);
const browser = await launchBrowser();
const clusters: BenchCluster[] = [];
try {
  // One data dir per checkout with a running simulated cluster, one empty (first run).
  for (const { bin } of bins) {
    const c = await newBenchCluster('paint', `c${clusters.length}`, { bin });
    clusters.push(c);
    const started = await skiffCmd(c, ['start', '--kubeconfig', c.kubeconfig, '--node-runtime', 'simulated', '--port', String(c.port)]);
    if (started.code !== 0) throw new Error(`skiff start: ${started.stderr}`);
  }
  const floor: Paint[] = [];
  const empty = bins.map(() => [] as Paint[]);
  const withCluster = bins.map(() => [] as Paint[]);
  const appArgs = (bin: string, dataDir: string) => [bin, 'app', '--web', '--no-open', '--port', '0', '--data-dir', dataDir];
  for (let i = 0; i < RUNS; i++) {
    floor.push(await timePaint(browser, ['-e', FLOOR_SERVER], { selector: 'p', text: 'ready' }));
    for (const [b, { bin }] of bins.entries()) {
      const fresh = (await newBenchCluster('paint', `empty${i}`, { bin })).dir;
      try {
        empty[b].push(await timePaint(browser, appArgs(bin, join(fresh, 'data')), { selector: '[data-testid="start-cluster"]', text: '' }));
      } finally {
        rmSync(fresh, { recursive: true, force: true });
      }
      withCluster[b].push(
        await timePaint(browser, appArgs(bin, clusters[b].dataDir), { selector: '[data-testid="nodes-ready"]', text: '^[1-9]\\d*/' }),
      );
    }
  }
  row('floor (node http server, one-line page): first contentful paint', ms(median(floor.map((r) => r.fcp))), '');
  for (const [b, { label }] of bins.entries()) {
    report(`${label}no cluster (first-run screen)`, empty[b], floor);
    report(`${label}running cluster (overview, node Ready)`, withCluster[b], floor);
  }
} finally {
  await browser.close();
  for (const c of clusters) {
    await skiffCmd(c, ['delete']);
    rmSync(c.dir, { recursive: true, force: true });
  }
}
console.log(`load average after: ${load()}`);
