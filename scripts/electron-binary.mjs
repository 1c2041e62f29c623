// Electron's binary for `npm start`: package.json denies electron's own install script (it
// fails the whole `npm install` where its download is unreachable), so `prepare` fetches the
// binary here, tolerating failure; `skiff app` falls back to browser mode without it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkgDir = join(root, 'node_modules', 'electron');

/** Path of the Electron executable, or undefined when it is not installed. */
export function electronBinary() {
  try {
    const rel = readFileSync(join(pkgDir, 'path.txt'), 'utf8').trim();
    const bin = join(pkgDir, 'dist', rel);
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** True when a window can be shown (a display on Linux; always on macOS and Windows). */
export function hasDisplay(env = process.env) {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

export function fetchElectron() {
  if (electronBinary() || !existsSync(join(pkgDir, 'install.js'))) return true;
  const r = spawnSync(process.execPath, [join(pkgDir, 'install.js')], { cwd: pkgDir, stdio: 'pipe', timeout: 180_000, encoding: 'utf8' });
  if (r.status === 0 && electronBinary()) return true;
  const why = (r.stderr || r.error?.message || '').split('\n').find((l) => l.trim()) ?? 'unknown error';
  console.log(`skiff: the Electron binary could not be downloaded (${why.trim()}); \`npm start\` opens Skiff in the browser instead`);
  return false;
}

if (import.meta.url === `file://${process.argv[1]}`) fetchElectron();
