// Bundles the `skiff` command (engine/cli/main.ts and what it loads), `skiff app`
// (electron/host/app-main.ts) and `skiff profiles` (electron/host/profiles-cli.ts) into dist/cli/ with esbuild, so each skiff process starts
// without compiling TypeScript. Packages stay external. dist/cli sits two levels below the
// root, like engine/cli and electron/host, so relative URLs still resolve.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;
export const outdir = join(root, 'dist/cli');
export const entry = join(outdir, 'main.js');
export const appEntry = join(outdir, 'app.js');
export const profilesEntry = join(outdir, 'profiles.js');
/** What the bundles are made from. */
export const sourceDirs = [join(root, 'engine'), join(root, 'electron/host')];

/** Newest modification time of the sources under dir (default: every source dir). */
export function newestSource(dir) {
  if (dir === undefined) return Math.max(...sourceDirs.map((d) => newestSource(d)));
  let newest = 0;
  // Entry types come with the listing: only the sources that go into the bundle are stat'ed.
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function isFresh() {
  try {
    return Math.min(statSync(entry).mtimeMs, statSync(appEntry).mtimeMs, statSync(profilesEntry).mtimeMs) >= newestSource();
  } catch {
    return false;
  }
}

export async function buildCli() {
  const { build } = await import('esbuild'); // only when building: it costs ~80 ms to load
  const result = await build({
    entryPoints: {
      main: join(root, 'engine/cli/main.ts'),
      app: join(root, 'electron/host/app-main.ts'),
      profiles: join(root, 'electron/host/profiles-cli.ts'),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    metafile: true,
  });
  // A running cluster may still lazily load chunks of the previous build: remove old chunks
  // only once they are a day old.
  const fresh = new Set(Object.keys(result.metafile.outputs).map((f) => join(root, f)));
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of readdirSync(outdir)) {
    const p = join(outdir, name);
    if (!fresh.has(p) && statSync(p).mtimeMs < dayAgo) rmSync(p, { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = performance.now();
  await buildCli();
  console.log(`built dist/cli in ${Math.round(performance.now() - t)} ms`);
}
