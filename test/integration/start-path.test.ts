// What `skiff start` loads on its way to the node's first Ready, seen from inside the cluster's
// own process (the built CLI, as users run it): the YAML library (slow to load) only afterwards,
// for the kubeconfig. A preload notes each watched package's first compiled file on stdout, in
// line with the SKIFF_TRACE=start lines (both written synchronously to the same pipe).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCliBuilt } from '../testing/ensure-cli-built';

const BIN = new URL('../../bin/skiff.mjs', import.meta.url).pathname;

// CommonJS packages (yaml's Node entry is) are compiled through Module.prototype._compile,
// whether required or imported.
const PROBE = `
const Module = require('node:module');
const { writeSync } = require('node:fs');
const watched = process.env.SKIFF_TEST_WATCH_MODULES.split(',');
const seen = new Set();
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  for (const m of watched)
    if (!seen.has(m) && filename.includes('/node_modules/' + m + '/')) {
      seen.add(m);
      writeSync(1, 'module loaded: ' + m + '\\n');
    }
  return compile.apply(this, arguments);
};
`;

/** Runs `skiff start --foreground` with `kubeconfig` (the file, or the cluster's own one) until ready; its output lines. */
async function startUntilReady(kubeconfig: 'own' | 'other'): Promise<string[]> {
  await ensureCliBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'skiff-start-path-'));
  const probe = join(dir, 'probe.cjs');
  writeFileSync(probe, PROBE);
  const data = join(dir, 'data');
  const kc = kubeconfig === 'own' ? [join(data, 'sp', 'kubeconfig'), '--no-switch-context'] : [join(dir, 'kc')];
  const args = ['start', '--foreground', '--name', 'sp', '--data-dir', data, '--kubeconfig', ...kc];
  const child = spawn(process.execPath, [BIN, ...args, '--node-runtime', 'simulated', '--port', '0'], {
    env: {
      ...process.env,
      HOME: dir,
      SKIFF_TRACE: 'start',
      SKIFF_TEST_WATCH_MODULES: 'yaml',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready: ${out}`)), 60_000);
      child.stdout.on('data', () => out.includes('ready at') && (clearTimeout(timer), resolve()));
      void exited.then((code) => reject(new Error(`skiff exited ${code}: ${out}`)));
    });
    return out.split('\n');
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

test('skiff start loads no YAML library before the node is Ready (only after, to merge the kubeconfig)', async () => {
  const lines = await startUntilReady('other');
  const out = lines.join('\n');
  const nodeReady = lines.findIndex((l) => /^trace start: .* node \S+ Ready$/.test(l));
  const yaml = lines.indexOf('module loaded: yaml');
  assert.ok(nodeReady >= 0, `the trace shows the node Ready:\n${out}`);
  assert.ok(yaml >= 0, `the probe saw the YAML library load (for the kubeconfig):\n${out}`);
  assert.ok(yaml > nodeReady, `the YAML library loaded after the node was Ready, not before:\n${out}`);
});

test("started as the app starts it (the cluster's own kubeconfig only), it loads no YAML library at all until ready", async () => {
  const lines = await startUntilReady('own');
  const out = lines.join('\n');
  const ready = lines.findIndex((l) => l.startsWith('ready at'));
  assert.ok(ready >= 0, `ready:\n${out}`);
  assert.equal(lines.slice(0, ready).indexOf('module loaded: yaml'), -1, `no YAML library before ready:\n${out}`);
});
