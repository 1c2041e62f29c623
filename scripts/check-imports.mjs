#!/usr/bin/env node
// Enforces DESIGN.md's import direction; a violation fails `npm test` and CI.
//  - engine/ never imports electron/, renderer/ or the `electron` package
//  - electron/host/ never imports the `electron` package or renderer/
//  - only electron/shell/ imports `electron`
//  - renderer/ imports nothing from engine/ and only `import type` from electron/host/protocol
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const problems = [];

function walk(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

const importRe =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g;

for (const file of ['engine', 'electron', 'renderer'].flatMap((d) => walk(join(root, d)))) {
  const rel = relative(root, file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(importRe)) {
    const isType = Boolean(m[2]);
    const spec = m[3] ?? m[4];
    const target = spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)) : null;
    const bad = (why) => problems.push(`${rel}: imports '${spec}' — ${why}`);
    if (rel.startsWith('engine/')) {
      if (spec === 'electron') bad('engine never imports electron');
      if (target && (target.startsWith('electron/') || target.startsWith('renderer/'))) bad('engine never imports the app');
    } else if (rel.startsWith('electron/host/')) {
      if (spec === 'electron') bad('only electron/shell imports electron');
      if (target && target.startsWith('renderer/')) bad('the host never imports the renderer');
    } else if (rel.startsWith('electron/shell/')) {
      if (target && target.startsWith('renderer/')) bad('the shell never imports the renderer');
    } else if (rel.startsWith('renderer/')) {
      if (spec === 'electron') bad('the renderer never imports electron');
      if (target && target.startsWith('engine/')) bad('the renderer never imports engine/');
      if (target && target.startsWith('electron/')) {
        if (!target.startsWith('electron/host/protocol')) bad('the renderer only imports types from electron/host/protocol');
        else if (!isType) bad('the renderer only uses `import type` from electron/host/protocol');
      }
    }
  }
}

if (problems.length) {
  console.error('Import-direction violations (see DESIGN.md):\n' + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log('imports: direction ok');
