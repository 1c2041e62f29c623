#!/usr/bin/env node
// Writes electron/shell/fuses.ts's FUSES into a packaged Electron binary:
//   node scripts/flip-fuses.mjs path/to/Skiff(.exe|.app)
// Needs @electron/fuses (a packaging dependency, not installed for development or tests).
import { readFileSync } from 'node:fs';

const target = process.argv[2];
if (!target) {
  console.error('usage: node scripts/flip-fuses.mjs <packaged Electron binary or .app>');
  process.exit(2);
}
let fuses;
try {
  fuses = await import('@electron/fuses');
} catch {
  console.error('@electron/fuses is not installed: npm install --no-save @electron/fuses, then run this again');
  process.exit(1);
}
// FUSES is plain data: read it from the source rather than compile TypeScript here.
const src = readFileSync(new URL('../electron/shell/fuses.ts', import.meta.url), 'utf8');
const body = src.slice(src.indexOf('FUSES = {') + 'FUSES = '.length, src.indexOf('} as const') + 1);
const wanted = Object.fromEntries([...body.matchAll(/^\s+(\w+): (true|false),/gm)].map((m) => [m[1], m[2] === 'true']));
const config = { version: fuses.FuseVersion.V1 };
for (const [name, on] of Object.entries(wanted)) {
  if (!(name in fuses.FuseV1Options)) throw new Error(`@electron/fuses has no fuse ${name}`);
  config[fuses.FuseV1Options[name]] = on;
}
await fuses.flipFuses(target, config);
console.log(`fuses written to ${target}: ${JSON.stringify(wanted)}`);
