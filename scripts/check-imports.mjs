#!/usr/bin/env node
// Enforces the import direction of docs/architecture.md; a violation fails `npm test` and CI.
//  - between the three parts: engine never imports electron/ or renderer/; only electron/shell
//    imports the `electron` package; renderer/ imports only engine/apimachinery/ (the pure
//    module) and `import type` from electron/host/protocol
//  - inside engine/: each folder imports only the folders its allow-list names (the idea of
//    Kubernetes' import-restrictions.yaml). Test files and `testing/` folders may reach any
//    engine folder, since tests compose layers the way a cluster does.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(process.argv[2] ?? new URL('..', import.meta.url).pathname);

/** engine/<folder> → the engine folders it may import (besides itself). Lower layers first. */
export const engineLayers = {
  apimachinery: [],
  kinds: ['apimachinery'],
  store: ['apimachinery'],
  pki: ['apimachinery'],
  docker: ['apimachinery', 'kinds'],
  client: ['apimachinery', 'kinds'],
  apiserver: ['apimachinery', 'kinds', 'store', 'pki', 'client'],
  kubelet: ['apimachinery', 'kinds', 'pki', 'docker', 'client'],
  scheduler: ['apimachinery', 'kinds', 'client'],
  controllers: ['apimachinery', 'kinds', 'pki', 'client'],
  network: ['apimachinery', 'kinds', 'pki', 'docker', 'client'],
  cluster: ['apimachinery', 'kinds', 'store', 'pki', 'docker', 'client', 'apiserver', 'kubelet', 'scheduler', 'controllers', 'network'],
  cli: [
    'apimachinery',
    'kinds',
    'store',
    'pki',
    'docker',
    'client',
    'apiserver',
    'kubelet',
    'scheduler',
    'controllers',
    'network',
    'cluster',
  ],
};

/**
 * Files allowed one more folder than their own folder's list, each with the reason. Keep this
 * short: every entry is a debt.
 */
const exceptions = {};

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

const isTestCode = (rel) => /\.test\.tsx?$/.test(rel) || rel.split('/').includes('testing');

export function findViolations(base) {
  const problems = [];
  for (const file of ['engine', 'electron', 'renderer'].flatMap((d) => walk(join(base, d)))) {
    const rel = relative(base, file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const isType = Boolean(m[2]);
      const spec = m[3] ?? m[4];
      const target = spec.startsWith('.') ? relative(base, resolve(dirname(file), spec)) : null;
      const bad = (why) => problems.push(`${rel}: imports '${spec}' — ${why}`);
      if (rel.startsWith('engine/')) {
        if (spec === 'electron') bad('engine never imports electron');
        if (target && (target.startsWith('electron/') || target.startsWith('renderer/'))) bad('engine never imports the app');
        if (target?.startsWith('engine/') && !isTestCode(rel)) {
          const from = rel.split('/')[1];
          const to = target.split('/')[1];
          const allowed = engineLayers[from];
          if (!allowed) bad(`engine/${from}/ is not a declared layer (add it to engineLayers)`);
          else if (to !== from && !allowed.includes(to) && !exceptions[rel]?.includes(to)) {
            bad(`engine/${from}/ may import only ${allowed.length ? allowed.join(', ') : 'nothing else in engine/'}`);
          }
        }
      } else if (rel.startsWith('electron/host/')) {
        if (spec === 'electron') bad('only electron/shell imports electron');
        if (target && target.startsWith('renderer/')) bad('the host never imports the renderer');
      } else if (rel.startsWith('electron/shell/')) {
        if (target && target.startsWith('renderer/')) bad('the shell never imports the renderer');
      } else if (rel.startsWith('renderer/')) {
        if (spec === 'electron') bad('the renderer never imports electron');
        if (target && target.startsWith('engine/') && !target.startsWith('engine/apimachinery/'))
          bad('the renderer imports only engine/apimachinery/ from engine/');
        if (target && target.startsWith('electron/')) {
          if (!target.startsWith('electron/host/protocol')) bad('the renderer only imports types from electron/host/protocol');
          else if (!isType) bad('the renderer only uses `import type` from electron/host/protocol');
        }
      }
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = findViolations(root);
  if (problems.length) {
    console.error('Import-direction violations (see docs/architecture.md):\n' + problems.map((p) => '  ' + p).join('\n'));
    process.exit(1);
  }
  console.log('imports: direction ok');
}
