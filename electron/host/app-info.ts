// GET /api/app: version, mode, data dir, whether Docker answers (and how to start it if not),
// and the image the Create templates use.
import { readFileSync } from 'node:fs';
import type { AppInfo } from './protocol';
import { dockerDownMessage, dockerEndpoint, startDockerHowTo } from '../../engine/docker/docker-down';

export const DEFAULT_IMAGE = 'nginx:1.27';

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** What the first-run screen says when Docker does not answer: the socket tried and what to do (docker-down.ts). */
export function dockerHint(platform: NodeJS.Platform = process.platform, err?: unknown, tried = dockerEndpoint()): string {
  const said = dockerDownMessage(err, tried, platform);
  return `${said ?? `Docker is not running: it does not answer at ${tried}. To fix: ${startDockerHowTo(platform)}`}; until then clusters get simulated nodes`;
}

export type DockerProbe = () => Promise<AppInfo['docker']>;

/** Asks the Docker engine for its version, giving up after timeoutMs. */
export function dockerProbe(timeoutMs = 1500): DockerProbe {
  return async () => {
    let docker: { modem?: unknown } | undefined;
    try {
      const { Docker } = await import('../../engine/docker/dockerode');
      const d = new Docker();
      docker = d;
      let timer: NodeJS.Timeout | undefined;
      const v = await Promise.race([
        d.version(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
      ]).finally(() => clearTimeout(timer));
      return { available: true, version: (v as { Version?: string }).Version };
    } catch (err) {
      return { available: false, hint: dockerHint(process.platform, err, dockerEndpoint(docker)) };
    }
  };
}

export function createAppInfo(opts: {
  dataDir: string;
  env: Record<string, string | undefined>;
  mode?: AppInfo['mode'];
  version?: string;
  docker?: DockerProbe;
}): () => Promise<AppInfo> {
  const probe = opts.docker ?? dockerProbe();
  const version = opts.version ?? packageVersion();
  return async () => ({
    version,
    mode: opts.mode ?? 'web',
    dataDir: opts.dataDir,
    docker: await probe(),
    defaultImage: opts.env.SKIFF_DEFAULT_IMAGE || DEFAULT_IMAGE,
  });
}
