#!/usr/bin/env node
// npm test: type-check, import-direction check, formatting, lint, then every *.test.ts under node's test runner.
// `npm test -- unit` runs only the unit tests beside the code; `npm test -- <path>...` runs those files.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);

function run(cmd, argv, extraEnv = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function findTests(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(join(root, dir));
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) findTests(rel, out);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.tsx')) out.push(rel);
  }
  return out;
}

let files;
if (args.length === 0 || args[0] === 'all') {
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b']);
  // The renderer's tests need Node types the renderer itself must not see: their own project.
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'renderer/tsconfig.test.json']);
  run(process.execPath, [join(root, 'scripts/check-imports.mjs')]);
  // Formatting is checked, not fixed, here: `npm run format` rewrites.
  run(process.execPath, [join(root, 'node_modules/prettier/bin/prettier.cjs'), '--check', '--log-level', 'warn', '.']);
  run(process.execPath, [join(root, 'scripts/lint.mjs')]);
  files = ['engine', 'electron', 'renderer', 'test'].flatMap((d) => findTests(d));
} else if (args[0] === 'unit') {
  files = ['engine', 'electron', 'renderer'].flatMap((d) => findTests(d));
} else {
  files = args.flatMap((a) => (a.endsWith('.ts') ? [a] : findTests(a)));
}
files.sort();
// --test-force-exit: a test file whose tests all finished must not keep CI waiting on a
// leftover handle (a socket or timer someone forgot); its results are already in.
// --test-timeout: a test that hangs fails after 10 minutes instead of eating CI's 90.
// Clusters the tests start take any free ingress ports, never the machine's 80/443 or 8080/8443.
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-force-exit', '--test-timeout=600000', ...files],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      SKIFF_INGRESS_PORT: process.env.SKIFF_INGRESS_PORT ?? '0',
      // In-process readers get shared objects (apiserver/shared-copy.ts): frozen under tests.
      SKIFF_FREEZE_SHARED: '1',
      SKIFF_INGRESS_HTTPS_PORT: process.env.SKIFF_INGRESS_HTTPS_PORT ?? '0',
      // tsx applies one tsconfig, and only to the files it includes; the root one names none. The
      // renderer's test config gives its files the build's JSX transform (react-jsx, as esbuild's
      // 'automatic'); other files compile as before.
      TSX_TSCONFIG_PATH: join(root, 'renderer/tsconfig.test.json'),
    },
  },
);
// A hang outside any test (a hook, a child that never exits) still must not time CI out
// silently: past the limit, name the test files still running, then stop.
const limitMin = Number(process.env.SKIFF_TEST_LIMIT_MINUTES ?? 60);
const watchdog = setTimeout(() => {
  const running = spawnSync('ps', ['-eo', 'pid,etimes,args'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => /\.test\.tsx?\b/.test(l) && !l.includes(' --test ') && !l.includes('scripts/test.mjs'));
  console.error(`\nnpm test: still running after ${limitMin} minutes; test processes left (pid, seconds, args):`);
  for (const l of running) console.error('  ' + l.trim());
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
}, limitMin * 60_000);
watchdog.unref();
child.on('exit', (code, signal) => {
  clearTimeout(watchdog);
  process.exit(code ?? (signal ? 1 : 0));
});
