// The pod sandbox image Skiff builds itself, so pods start on machines that cannot reach
// registry.k8s.io (offline, air-gapped): `docker import` of a one-file rootfs holding the pause
// binary of pause-binary.ts for the engine's architecture. It is found again by its tag and the
// binary's digest in a label, so a start builds it only when it is missing or stale.
import type Docker from 'dockerode';
import { pauseBinary, pauseDigest, PAUSE_ARCHES } from './pause-binary';
import { tarStream } from './tar';

export const PAUSE_IMAGE_REPO = 'skiff/pause';
/** The label holding the sha256 of the image's /pause. */
export const PAUSE_DIGEST_LABEL = 'skiff.pause.sha256';

/** The tag for an architecture: skiff/pause:amd64-<first 12 hex of the digest>. */
export function pauseImageTag(arch: string): string {
  return `${PAUSE_IMAGE_REPO}:${arch}-${pauseDigest(arch).slice(0, 12)}`;
}

// Kubelets of one process share one build per engine (they each hold their own client).
const building = new Map<string, Promise<string>>();

/** The built-in sandbox image for this Docker engine: found by tag and label, else built (≈ 50 ms). */
export function ensurePauseImage(docker: Docker, log: (line: string) => void = () => {}): Promise<string> {
  const modem = docker.modem as unknown as { socketPath?: unknown; host?: unknown };
  const key = typeof modem.socketPath === 'string' ? modem.socketPath : typeof modem.host === 'string' ? modem.host : 'default';
  let p = building.get(key);
  if (!p) {
    p = build(docker, log).finally(() => building.delete(key));
    building.set(key, p);
  }
  return p;
}

async function build(docker: Docker, log: (line: string) => void): Promise<string> {
  const arch = (await docker.version()).Arch;
  if (!PAUSE_ARCHES.includes(arch))
    throw new Error(`Skiff has no built-in sandbox image for ${arch} Docker engines (only ${PAUSE_ARCHES.join(', ')})`);
  const tag = pauseImageTag(arch);
  const digest = pauseDigest(arch);
  const found = await docker
    .getImage(tag)
    .inspect()
    .catch((e: { statusCode?: number }) => {
      if (e?.statusCode === 404) return undefined;
      throw e;
    });
  if (found?.Config?.Labels?.[PAUSE_DIGEST_LABEL] === digest) return tag;
  const t = performance.now();
  const [repo, version] = tag.split(':');
  const stream = await docker.importImage(tarStream([{ type: 'file', path: 'pause', data: pauseBinary(arch), mode: 0o755 }]), {
    repo,
    tag: version,
    changes: ['ENTRYPOINT ["/pause"]', `LABEL ${PAUSE_DIGEST_LABEL}=${digest}`, 'LABEL skiff.image=pause'],
  });
  type Progress = { error?: string; errorDetail?: { message?: string } };
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: Progress[]) => {
      const failed = out?.find((o) => o?.error || o?.errorDetail);
      if (err) reject(err);
      else if (failed) reject(new Error(failed.error ?? failed.errorDetail?.message ?? 'docker import failed'));
      else resolve();
    }),
  );
  log(`sandbox image ${tag} built (${Math.round(performance.now() - t)} ms)`);
  return tag;
}
