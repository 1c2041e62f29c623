#!/usr/bin/env node
// Entry point of the `skiff` command. Runs the esbuild bundle in dist/cli (built on install,
// rebuilt here when the engine's sources are newer); falls back to tsx if bundling fails.
// Node 20: X509Certificate#toLegacyObject before node:tls is loaded breaks https servers later.
import 'node:tls';
import { isFresh, buildCli, entry } from '../scripts/build-cli.mjs';

let main;
try {
  if (!isFresh()) await buildCli();
  ({ main } = await import(entry));
} catch {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../engine/cli/main.ts'));
}
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Leftover handles (sockets, timers) must not keep a finished command alive.
setTimeout(() => process.exit(code), 1000).unref();
