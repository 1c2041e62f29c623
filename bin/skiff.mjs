#!/usr/bin/env node
// Entry point of the `skiff` command. Runs the esbuild bundle in dist/cli (built on install,
// rebuilt here when the sources are newer); falls back to tsx if bundling fails.
// `skiff app` first makes sure the renderer (the app's window) is built, then runs the host.
// `skiff profiles` runs the host's profile module (the engine cannot import electron/host).
// Node 20: X509Certificate#toLegacyObject before node:tls is loaded breaks https servers later.
import 'node:tls';
import { isFresh, buildCli, entry, appEntry, profilesEntry } from '../scripts/build-cli.mjs';

const argv = process.argv.slice(2);
const isApp = argv[0] === 'app';
const isProfiles = argv[0] === 'profiles';
const bundle = isApp ? appEntry : isProfiles ? profilesEntry : entry;
const source = isApp ? '../electron/host/app-main.ts' : isProfiles ? '../electron/host/profiles-cli.ts' : '../engine/cli/main.ts';

/** The renderer build dir, built first when stale; undefined (with a message) when it cannot be. */
async function ensureRenderer() {
  let renderer;
  try {
    renderer = await import('../scripts/build-renderer.mjs');
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('build-renderer.mjs')) {
      console.error(
        "skiff: the app's window cannot be built here (scripts/build-renderer.mjs is missing); the host starts anyway and its page says so",
      );
      return undefined;
    }
    throw err;
  }
  if (!renderer.isFresh()) {
    console.error("skiff: building the app's window...");
    try {
      await renderer.buildRenderer();
    } catch (err) {
      console.error(
        `skiff: building the app's window failed (${String(err?.message ?? err).split('\n')[0]}); the host starts anyway and its page says so`,
      );
    }
  }
  return renderer.outdir;
}

/** `skiff app` without --web opens the Electron window when a binary and a display exist. */
async function runElectron() {
  const { electronBinary, hasDisplay } = await import('../scripts/electron-binary.mjs');
  const bin = electronBinary();
  if (!bin || !hasDisplay() || argv.includes('--web') || argv.includes('--help') || argv.includes('-h')) return undefined;
  await ensureRenderer();
  const { buildShell, shellMain } = await import('../scripts/build-shell.mjs');
  await buildShell();
  const env = { ...process.env };
  const dd = argv.indexOf('--data-dir');
  if (dd > 0 && argv[dd + 1]) env.SKIFF_HOME = argv[dd + 1];
  // --open ROUTE: the shell opens its window there (it checks the route as `skiff app` does).
  const op = argv.findIndex((a) => a === '--open' || a.startsWith('--open='));
  if (op > 0) env.SKIFF_OPEN_ROUTE = argv[op].startsWith('--open=') ? argv[op].slice(7) : (argv[op + 1] ?? '');
  const { spawn } = await import('node:child_process');
  const child = spawn(bin, [shellMain], { stdio: 'inherit', env });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

if (isApp) {
  const code = await runElectron();
  if (code !== undefined) process.exit(code);
}

let main;
try {
  // Checking freshness stats every source file (~20 ms): a skiff started by one that checked a
  // moment ago (`skiff start`'s cluster process) skips it. A long-lived parent (the app) checked
  // too long ago: its clusters check again.
  if (!(Date.now() - Number(process.env.SKIFF_CLI_CHECKED_AT) < 10_000) && !isFresh()) await buildCli();
  process.env.SKIFF_CLI_CHECKED_AT = String(Date.now());
  ({ main } = await import(bundle));
} catch (err) {
  // Still runnable from the sources, only slower to start; say why so a broken build is seen.
  console.error(
    `skiff: running from the TypeScript sources (the bundle in dist/cli could not be built or loaded: ${String(err?.message ?? err).split('\n')[0]})`,
  );
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source));
}
const code = isApp ? await main(argv.slice(1), { staticDir: ensureRenderer }) : isProfiles ? await main(argv.slice(1)) : await main(argv);
process.exitCode = code;
// Leftover handles (sockets, timers) must not keep a finished command alive.
setTimeout(() => process.exit(code), 1000).unref();
