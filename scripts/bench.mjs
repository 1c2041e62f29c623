#!/usr/bin/env node
// npm run bench -- <name>: runs test/bench/<name>-bench.ts, which prints each figure beside its floor.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const available = readdirSync(`${root}test/bench`)
  .filter((f) => f.endsWith('-bench.ts'))
  .map((f) => f.replace(/-bench\.ts$/, ''));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>; available: ${available.sort().join(', ')}`);
  process.exit(2);
}
const entry = `test/bench/${name}-bench.ts`;
// Benches host the control plane in their own process: they run it with the malloc arenas of
// the product's cluster process (engine/cluster/cluster-spawn.ts).
const env = { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' };
const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', entry, ...process.argv.slice(3)], {
  cwd: root,
  stdio: 'inherit',
  env,
});
process.exit(r.status ?? 1);
