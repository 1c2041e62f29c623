// Bundles the renderer (renderer/main.tsx and its CSS, xterm's included) into dist/renderer/
// with esbuild. The host serves that folder; index.html only links files, because the
// window's CSP allows no inline scripts.
// File names carry a content hash, so the host may let browsers keep them for good (a new
// build is new names). Panels loaded with import() (the YAML editor, terminals, Helm) are
// chunks of their own, fetched and parsed only when opened; index.html names the entry, its
// CSS and, as modulepreload, the chunks the entry imports, so they load in parallel.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;
export const outdir = join(root, 'dist/renderer');
const srcdir = join(root, 'renderer');
const index = join(outdir, 'index.html');

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

/** The files index.html names (/assets/...), as paths under outdir. */
export function pageAssets(html) {
  return [...html.matchAll(/(?:href|src)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
}

/** True when index.html and every file it names exist and are newer than every file under renderer/. */
export function isFresh() {
  try {
    const outputs = [index, ...pageAssets(readFileSync(index, 'utf8')).map((p) => join(outdir, p))];
    const oldestOut = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
    return outputs.length > 1 && oldestOut >= newest(srcdir);
  } catch {
    return false;
  }
}

/** The static imports of an output chunk, transitively (what its first run needs). */
function staticImports(outputs, file, seen = new Set()) {
  for (const imp of outputs[file]?.imports ?? []) {
    if (imp.kind !== 'import-statement' || seen.has(imp.path)) continue;
    seen.add(imp.path);
    staticImports(outputs, imp.path, seen);
  }
  return seen;
}

export async function buildRenderer() {
  const { build } = await import('esbuild'); // loaded only when building
  const assets = join(outdir, 'assets');
  mkdirSync(assets, { recursive: true });
  const result = await build({
    entryPoints: { app: join(srcdir, 'main.tsx') },
    outdir: assets,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    loader: { '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    metafile: true,
    absWorkingDir: root, // the metafile's paths are relative to it
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((f) => outputs[f].entryPoint === 'renderer/main.tsx');
  if (!entry) throw new Error('esbuild produced no bundle for renderer/main.tsx');
  const css = outputs[entry].cssBundle;
  const url = (f) => '/assets/' + f.slice(f.lastIndexOf('/assets/') + '/assets/'.length);
  const preloads = [...staticImports(outputs, entry)].map((f) => `    <link rel="modulepreload" href="${url(f)}" />`);
  let html = readFileSync(join(srcdir, 'index.html'), 'utf8');
  html = html.replace('href="/assets/app.css"', `href="${css ? url(css) : '/assets/app.css'}"`);
  html = html.replace(
    '<script type="module" src="/assets/app.js"></script>',
    [`<script type="module" src="${url(entry)}"></script>`, ...preloads.map((l) => l.trim())].join('\n    '),
  );
  if (!css || !html.includes(url(entry))) throw new Error('renderer/index.html no longer links /assets/app.css and /assets/app.js');
  writeFileSync(index, html);
  // A window still open on the previous build may yet load its chunks: old files go once a day old.
  const fresh = new Set(Object.keys(outputs).map((f) => join(root, f)));
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of readdirSync(assets)) {
    const p = join(assets, name);
    if (!fresh.has(p) && statSync(p).mtimeMs < dayAgo) rmSync(p, { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = performance.now();
  await buildRenderer();
  console.log(`built dist/renderer in ${Math.round(performance.now() - t)} ms`);
}
