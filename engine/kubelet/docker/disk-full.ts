// Docker's own disk full (its data root, or Docker Desktop's VM disk): Docker answers creates,
// starts and pulls with "no space left on device", which says neither whose disk nor what to do.
// The runtime rewrites such errors into a message a user can act on (pod events and waiting
// reasons carry it) and the node reports DiskPressure with it until Docker writes again.
export const isNoSpace = (e: unknown): boolean => /no space left on device|ENOSPC/i.test(String((e as Error | undefined)?.message ?? e));

export interface DockerDiskFull {
  /** A no-space error rewritten (and remembered); any other error unchanged. */
  check(e: unknown): unknown;
  /** Docker wrote something again (a container was made): the disk has room. */
  ok(): void;
  /** DiskPressure's message while Docker's disk is full; undefined otherwise. */
  pressure(): string | undefined;
}

export interface DockerDiskFullOptions {
  /** Docker's data root (`docker info`), when known. */
  rootDir?: () => string | undefined;
  now?: () => number;
  /** A full disk not seen again for this long is forgotten (a pod's retries re-raise it); default 5 min. */
  forgetMs?: number;
  /** Docker's disk became full, or has room again (the node's status should say so now). */
  changed?: () => void;
}

export function createDockerDiskFull(o: DockerDiskFullOptions = {}): DockerDiskFull {
  const now = o.now ?? Date.now;
  let seenAt: number | undefined;
  const where = () => {
    const root = o.rootDir?.();
    return root ? ` (${root})` : '';
  };
  const summary = () => `Docker's disk is full${where()}: no space left on device`;
  return {
    check(e) {
      if (!isNoSpace(e)) return e;
      const was = seenAt;
      seenAt = now();
      if (was === undefined) o.changed?.();
      const said = String((e as Error | undefined)?.message ?? e)
        .split('\n')[0]
        .trim();
      return Object.assign(
        new Error(
          `${summary()}. Free space for Docker (\`docker system prune\`, or a larger disk for Docker Desktop); Skiff retries by itself. Docker said: ${said}`,
        ),
        { statusCode: (e as { statusCode?: number } | undefined)?.statusCode },
      );
    },
    ok() {
      if (seenAt === undefined) return;
      seenAt = undefined;
      o.changed?.();
    },
    pressure() {
      if (seenAt === undefined) return undefined;
      if (now() - seenAt > (o.forgetMs ?? 5 * 60_000)) {
        seenAt = undefined;
        return undefined;
      }
      return `${summary()}; pods cannot start until space is freed`;
    },
  };
}
