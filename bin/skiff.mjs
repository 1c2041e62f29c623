#!/usr/bin/env node
// Entry point of the `skiff` command: runs the TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../engine/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Leftover handles (sockets, timers) must not keep a finished command alive.
setTimeout(() => process.exit(code), 1000).unref();
