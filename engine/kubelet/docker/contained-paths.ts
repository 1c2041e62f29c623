// Defence in depth for paths inside a pod's volumes, whatever the API server let through (old
// objects, another writer): a relative path without `..` elements, and — for subPath mounts —
// one whose real location, symlinks followed, stays inside the volume. A container can plant
// symlinks in an emptyDir; a subPath through one must not bind the host's files.
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, sep } from 'node:path';

export class VolumePathError extends Error {}

/** Throws unless `p` is relative and has no `..` element. */
export function checkLocalPath(p: string, what: string): void {
  if (typeof p !== 'string' || p === '' || isAbsolute(p) || p.split(/[\\/]/).includes('..')) {
    throw new VolumePathError(`${what} ${JSON.stringify(p)} must be a relative path without '..'`);
  }
}

const within = (root: string, p: string) => p === root || p.startsWith(root + sep);

/**
 * The host path of `sub` inside the volume directory `base`, created as a directory when
 * missing; refuses anything whose real path (symlinks resolved) leaves `base`.
 */
export function resolveInside(base: string, sub: string, what = 'subPath'): string {
  checkLocalPath(sub, what);
  const root = realpathSync(base);
  const target = join(root, sub);
  // Check the deepest part that exists before creating anything below it.
  let existing = target;
  while (existing !== root && !lstatSync(existing, { throwIfNoEntry: false })) existing = dirname(existing);
  const refuse = () => new VolumePathError(`${what} ${JSON.stringify(sub)} resolves outside its volume`);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    throw refuse(); // a dangling symlink
  }
  if (!within(root, real)) throw refuse();
  if (existing !== target) mkdirSync(target, { recursive: true });
  const resolved = realpathSync(target);
  if (!within(root, resolved)) throw refuse();
  return resolved;
}
