// Docker's disk nearly full, said before it is: the filesystem under Docker's data root is read
// every 30 s, and below a threshold the node reports DiskPressure with a message naming the path,
// how much is left and what to do — while pods still start (disk-full.ts handles the brim).
// Upstream's kubelet reads the same numbers for its eviction signals (imagefs.available); Skiff
// evicts nothing, it warns. The data root must be this machine's: with Docker Desktop (a VM) or a
// remote engine the path is not ours to read, and the check stays quiet.
import { statfs } from 'node:fs/promises';

export interface DiskSpace {
  /** Bytes available to unprivileged writers. */
  free: number;
  total: number;
}

export interface DockerDiskLowOptions {
  /** Docker's data root, when it lies on this machine's filesystem; undefined: nothing to check. */
  rootDir: () => string | undefined;
  space?: (path: string) => Promise<DiskSpace>;
  intervalMs?: number;
  /** The verdict changed (the node's status should say so now). */
  changed?: () => void;
}

export interface DockerDiskLow {
  /** DiskPressure's message while Docker's disk is nearly full; undefined otherwise. */
  pressure(): string | undefined;
  /** Reads the filesystem now (also the timer's job). */
  check(): Promise<void>;
  stop(): void;
}

const GiB = 1024 ** 3;

/** Pressure below 10 % free (upstream's nodefs.available hard threshold), but never above 5 GiB free on a big disk. */
export const lowThreshold = (total: number) => Math.min(total * 0.1, 5 * GiB);

const size = (n: number) => (n >= GiB ? `${(n / GiB).toFixed(1)} GiB` : `${Math.round(n / 1024 ** 2)} MiB`);

export async function statfsSpace(path: string): Promise<DiskSpace> {
  const s = await statfs(path);
  return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
}

export function createDockerDiskLow(o: DockerDiskLowOptions): DockerDiskLow {
  const space = o.space ?? statfsSpace;
  let said: string | undefined;
  let running: Promise<void> | undefined;

  async function read(): Promise<void> {
    const root = o.rootDir();
    const s = root ? await space(root).catch(() => undefined) : undefined;
    let now: string | undefined;
    if (root && s && s.total > 0) {
      const limit = lowThreshold(s.total);
      // A little above the threshold to clear it, so a disk hovering there does not flap.
      const low = s.free < (said ? limit * 1.1 : limit);
      if (low)
        now = `Docker's disk is almost full (${root}): ${size(s.free)} free of ${size(s.total)} (${((s.free / s.total) * 100).toFixed(1)} %). Free space for Docker (\`docker system prune\`, or a larger disk) before pods can no longer start`;
    }
    if (now === said) return;
    const flipped = !now !== !said;
    said = now;
    if (flipped) o.changed?.();
  }

  const check = () => (running ??= read().finally(() => (running = undefined)));
  const timer = setInterval(() => void check(), o.intervalMs ?? 30_000);
  timer.unref();
  return { pressure: () => said, check, stop: () => clearInterval(timer) };
}
