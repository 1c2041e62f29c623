// One wording for "Docker is not there", used by every path that talks to it (CLI start, the
// kubelet's pod events and node condition, logs/exec/port-forward, the app). Node's own words
// ("connect ENOENT /var/run/docker.sock") say neither what is wrong nor what to do.

interface ConnectError {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  message?: string;
}

/** What to do, per platform: Docker Desktop everywhere, the daemon itself on Linux. */
export function startDockerHowTo(platform: NodeJS.Platform = process.platform): string {
  return platform === 'linux'
    ? 'start Docker Desktop, or the daemon (`sudo systemctl start docker`, or run dockerd)'
    : 'start Docker Desktop';
}

/** Where the error says the client tried to reach Docker: a socket path or host:port. */
function triedOf(e: ConnectError): string | undefined {
  if (e.address) return e.port ? `${e.address}:${e.port}` : e.address;
  return /connect \w+ (\S+)/.exec(e.message ?? '')?.[1];
}

export interface DockerDown {
  /** What is wrong, naming the socket tried: "Docker is not running: no socket at /var/run/docker.sock". */
  problem: string;
  /** What to do about it. */
  fix: string;
}

/**
 * For an error that means Docker cannot be reached (its socket missing, nobody listening, no
 * permission): what is wrong and what to do; undefined for any other error. `tried` names the
 * socket when the error does not.
 */
export function dockerDown(err: unknown, tried?: string, platform: NodeJS.Platform = process.platform): DockerDown | undefined {
  const e = (err ?? {}) as ConnectError;
  // Only a failed connect: an ENOENT from opening a file is something else.
  const code = e.syscall === 'connect' ? e.code : /\bconnect (ENOENT|ECONNREFUSED|EACCES|EPERM)\b/.exec(String(e.message ?? err))?.[1];
  const at = triedOf(e) ?? tried ?? 'its socket';
  const start = `${startDockerHowTo(platform)}; if Docker listens elsewhere, set DOCKER_HOST`;
  switch (code) {
    case 'ENOENT':
      return { problem: `Docker is not running: no socket at ${at}`, fix: start };
    case 'ECONNREFUSED':
      return { problem: `Docker is not running: nothing answers at ${at}`, fix: start };
    case 'EACCES':
    case 'EPERM':
      return {
        problem: `Docker's socket ${at} is not open to this user`,
        fix: 'add yourself to the docker group (`sudo usermod -aG docker $USER`, then log in again)',
      };
    default:
      return undefined;
  }
}

/** dockerDown as one sentence: "<problem>. To fix: <fix>". */
export function dockerDownMessage(err: unknown, tried?: string, platform: NodeJS.Platform = process.platform): string | undefined {
  const d = dockerDown(err, tried, platform);
  return d && `${d.problem}. To fix: ${d.fix}`;
}

/** The error rewritten in those words (its code kept), or returned unchanged. */
export function sayDockerDown(err: unknown, tried?: string): unknown {
  const said = dockerDownMessage(err, tried);
  if (!said) return err;
  const e = err as ConnectError & { statusCode?: number };
  return Object.assign(new Error(said), { code: e.code, statusCode: e.statusCode, dockerDown: true });
}

/** The socket (or host) a dockerode client uses, for messages; DOCKER_HOST when set. */
export function dockerEndpoint(docker?: { modem?: unknown }, env: NodeJS.ProcessEnv = process.env): string {
  const m = (docker?.modem ?? {}) as { socketPath?: unknown; host?: string; port?: number | string };
  if (typeof m.socketPath === 'string') return m.socketPath;
  if (m.host) return m.port ? `${m.host}:${m.port}` : m.host;
  if (env.DOCKER_HOST) return env.DOCKER_HOST.replace(/^unix:\/\//, '');
  return '/var/run/docker.sock';
}
