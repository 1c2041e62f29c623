// Bundles the renderer (renderer/main.tsx and its CSS, xterm's included) into dist/renderer/
// with esbuild. The host serves that folder; index.html only links files, because the
// window's CSP allows no inline scripts.
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;
export const outdir = join(root, 'dist/renderer');
const srcdir = join(root, 'renderer');
const outputs = [join(outdir, 'index.html'), join(outdir, 'assets/app.js'), join(outdir, 'assets/app.css')];

/** Newest modification time of any file under dir (tests included: cheap and safe). */
function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return t;
}

/** True when every output exists and is newer than every file under renderer/. */
export function isFresh() {
  try {
    const oldestOut = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
    return oldestOut >= newest(srcdir);
  } catch {
    return false;
  }
}

export async function buildRenderer() {
  const { build } = await import('esbuild'); // loaded only when building
  mkdirSync(join(outdir, 'assets'), { recursive: true });
  await build({
    entryPoints: { app: join(srcdir, 'main.tsx') },
    outdir: join(outdir, 'assets'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    loader: { '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  copyFileSync(join(srcdir, 'index.html'), join(outdir, 'index.html'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = performance.now();
  await buildRenderer();
  console.log(`built dist/renderer in ${Math.round(performance.now() - t)} ms`);
}
