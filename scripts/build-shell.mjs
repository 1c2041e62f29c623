// Bundles the Electron shell (electron/shell/main.ts and the sandboxed preload) into
// dist/shell: main as ESM (Electron 28+; engine code resolves files from import.meta.url),
// the sandboxed preload as CommonJS, which Electron requires of it.
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
export const shellDir = join(root, 'dist', 'shell');
export const shellMain = join(shellDir, 'main.mjs');

export async function buildShell() {
  const { build } = await import('esbuild');
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron'],
    logLevel: 'warning',
    sourcemap: true,
  };
  await build({ ...common, format: 'esm', entryPoints: [join(root, 'electron/shell/main.ts')], outfile: shellMain, packages: 'external' });
  await build({ ...common, entryPoints: [join(root, 'electron/shell/preload.ts')], outfile: join(shellDir, 'preload.cjs') });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildShell();
