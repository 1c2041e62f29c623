// Docker's disk as the node reports it: full (disk-full.ts, from the errors Docker answers with)
// or nearly full (disk-low.ts, from the free space under its data root when that is this
// machine's), and every error a write path passes on said in words a user can act on — the disk
// full, or Docker not there at all (docker-down.ts).
import type Docker from 'dockerode';
import { dockerEndpoint, sayDockerDown } from '../../docker/docker-down';
import { createDockerDiskFull } from './disk-full';
import { createDockerDiskLow } from './disk-low';

export interface RuntimeDisk {
  /** An error from a write path, reworded when it is a full disk or Docker not running. */
  said(e: unknown): unknown;
  /** Docker wrote something: its disk has room. */
  ok(): void;
  /** DiskPressure's message while Docker's disk is full or nearly full. */
  pressure(): string | undefined;
  stop(): void;
}

export function createRuntimeDisk(docker: Docker, o: { changed?: () => void; checkMs?: number }): RuntimeDisk {
  let dockerRoot: string | undefined;
  // Whether that path is on this machine: not with Docker Desktop (a VM) or a remote engine.
  let rootIsLocal = false;
  docker.info().then(
    (i: { DockerRootDir?: string; OperatingSystem?: string }) => {
      dockerRoot = i.DockerRootDir;
      rootIsLocal = dockerEndpoint(docker).startsWith('/') && !/Docker Desktop/i.test(i.OperatingSystem ?? '');
      void low.check();
    },
    () => {},
  );
  const full = createDockerDiskFull({ rootDir: () => dockerRoot, changed: o.changed });
  const low = createDockerDiskLow({
    rootDir: () => (rootIsLocal ? dockerRoot : undefined),
    intervalMs: o.checkMs,
    changed: o.changed,
  });
  return {
    said: (e) => full.check(sayDockerDown(e, dockerEndpoint(docker))),
    ok: () => full.ok(),
    pressure: () => full.pressure() ?? low.pressure(),
    stop: () => low.stop(),
  };
}
