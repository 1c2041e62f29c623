// A small disk a test can fill: a tmpfs of a given size, written to the brim (or to a given amount
// of free space) with one filler file. The data-dir test and the Docker-disk tests share it.
import { execFile } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statfsSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const sh = (cmd: string, args: string[]) =>
  new Promise<void>((resolve, reject) =>
    execFile(cmd, args, (e, _out, err) => (e ? reject(new Error(`${cmd} ${args.join(' ')}: ${(err || e.message).trim()}`)) : resolve())),
  );

/** Mounts a tmpfs of `size` (e.g. '24m') at `path` (made if missing). Needs root. */
export async function mountSmallDisk(path: string, size: string): Promise<void> {
  mkdirSync(path, { recursive: true });
  await sh('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path]);
}

/** Why a small disk cannot be mounted here (e.g. not root), or undefined once mounted at `path`. */
export async function trySmallDisk(path: string, size: string): Promise<string | undefined> {
  return mountSmallDisk(path, size).then(
    () => undefined,
    (e: Error) => `cannot mount a tmpfs here (${e.message.split('\n')[0]})`,
  );
}

export const unmountSmallDisk = (path: string) => sh('umount', ['-l', path]);

/**
 * Writes zeros to `file` until the filesystem refuses (the brim), or until only `leaveBytes` are
 * left free for unprivileged writers.
 */
export function fillDisk(file: string, leaveBytes = 0): void {
  const free = () => {
    const s = statfsSync(dirname(file));
    return s.bavail * s.bsize;
  };
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) {
      if (leaveBytes > 0) {
        const room = free() - leaveBytes;
        if (room <= 0) break;
        writeSync(fd, chunk, 0, Math.min(chunk.length, room));
      } else writeSync(fd, chunk);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}
