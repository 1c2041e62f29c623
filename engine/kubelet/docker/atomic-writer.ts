// Writes a ConfigMap/Secret/projected volume so a running container sees each update whole,
// as the kubelet's atomic writer does: the files live in a timestamped dir `..<stamp>`, the
// `..data` symlink points at the current one and is swapped with one rename(2), and every
// top-level entry is a relative symlink through `..data`. Links are relative, so they resolve
// inside the container's bind mount of the directory.
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkLocalPath, VolumePathError } from './contained-paths';

export type VolumeFiles = Record<string, string | Buffer>;

const DATA = '..data';

function sameContent(dir: string, files: VolumeFiles): boolean {
  let current: string;
  try {
    current = join(dir, readlinkSync(join(dir, DATA)));
  } catch {
    return false;
  }
  const listed = (d: string, prefix = ''): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? listed(join(d, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    );
  let have: string[];
  try {
    have = listed(current);
  } catch {
    return false;
  }
  const want = Object.keys(files);
  if (have.length !== want.length) return false;
  return want.every((p) => {
    try {
      return readFileSync(join(current, p)).equals(Buffer.from(files[p]));
    } catch {
      return false;
    }
  });
}

/**
 * Makes `dir` hold exactly `files`. Returns false when it already did (nothing written).
 * keepOld leaves earlier generations on disk (subPath mounts pin them).
 */
export function writeAtomically(dir: string, files: VolumeFiles, opts: { keepOld?: boolean } = {}): boolean {
  for (const p of Object.keys(files)) {
    checkLocalPath(p, 'volume file path');
    // `..data` and the generations live at the top: a key may not shadow them.
    if (p.startsWith('..')) throw new VolumePathError(`volume file path ${JSON.stringify(p)} must not start with '..'`);
  }
  mkdirSync(dir, { recursive: true });
  if (sameContent(dir, files)) return false;
  const stamp = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  const gen = join(dir, stamp);
  for (const [p, v] of Object.entries(files)) {
    const f = join(gen, p);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, v, { mode: 0o644 });
  }
  mkdirSync(gen, { recursive: true }); // an empty volume still gets its generation
  const tmp = join(dir, `${DATA}_tmp`);
  rmSync(tmp, { force: true });
  symlinkSync(stamp, tmp);
  renameSync(tmp, join(dir, DATA));

  const top = new Set(Object.keys(files).map((p) => p.split('/')[0]));
  for (const name of top) {
    const link = join(dir, name);
    const st = lstatSync(link, { throwIfNoEntry: false });
    if (st?.isSymbolicLink() && readlinkSync(link) === `${DATA}/${name}`) continue;
    if (st) rmSync(link, { recursive: true, force: true }); // a plain file written by an older Skiff
    symlinkSync(`${DATA}/${name}`, link);
  }
  for (const e of readdirSync(dir)) {
    if (e === DATA || e === stamp || top.has(e)) continue;
    if (e.startsWith('..')) {
      if (!opts.keepOld) rmSync(join(dir, e), { recursive: true, force: true });
    } else {
      rmSync(join(dir, e), { recursive: true, force: true }); // a key that was removed
    }
  }
  return true;
}
