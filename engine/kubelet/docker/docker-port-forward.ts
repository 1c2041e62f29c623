// Port-forward into a Docker pod: one TCP connection per forwarded client connection, to the pod
// IP its sandbox has now (falling back to nc inside the sandbox when the host cannot reach the
// bridge). A session that began before a repair (Docker restarted, the sandbox re-created) holds
// a pod object with an old IP, so each connection looks the sandbox up again. A connection made
// while the pod is being repaired (Docker away, the sandbox not running or just started) waits
// for it, within a bound: kubectl port-forward ends its whole session when one connection fails,
// and the user would have to start it again. A pod that is simply broken — its sandbox up for a
// while, no app container running (crashed, waiting out a back-off, removed) — fails at once,
// saying so, as upstream's dial into the pod would.
import type Docker from 'dockerode';
import { connect } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import type { KubeObject } from '../../kinds/types';
import { L, SANDBOX, clusterFilter, ownedBy, type ClusterKey } from '../../docker/names';
import { dockerDownMessage } from '../../docker/docker-down';
import { dockerDate } from './docker-errors';

export interface DockerPortForwardDeps {
  docker: Docker;
  cluster: ClusterKey;
  /** How long a connection waits for a pod being repaired (default 30 s). */
  waitMs?: number;
}

const WAIT_MS = 30_000;
const POLL_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type PodNow = { sandbox?: Docker.ContainerInfo; appRunning: boolean; apps: Docker.ContainerInfo[] };

export function createDockerPortForward(d: DockerPortForwardDeps): (pod: KubeObject, port: number) => Promise<Duplex> {
  const { docker } = d;

  const newestFirst = (a: Docker.ContainerInfo, b: Docker.ContainerInfo) =>
    Number(b.Labels[L.attempt] ?? 0) - Number(a.Labels[L.attempt] ?? 0);

  /** The pod's newest sandbox and its app containers (Docker down: throws its connect error). */
  async function podNow(pod: KubeObject): Promise<PodNow> {
    const list = await docker.listContainers({
      all: true,
      filters: { label: [...clusterFilter(d.cluster), `${L.podUid}=${pod.metadata.uid}`] },
    });
    const mine = list.filter((c) => ownedBy(d.cluster, c.Labels));
    const sandbox = mine.filter((c) => c.Labels[L.container] === SANDBOX).sort(newestFirst)[0];
    const apps = mine.filter((c) => c.Labels[L.container] !== SANDBOX && c.Labels[L.init] !== 'true').sort(newestFirst);
    return { sandbox, apps, appRunning: apps.some((c) => c.State === 'running') };
  }

  /** Whether the sandbox started within `ms` (a pod just made or repaired: its app may still be starting). */
  async function startedWithin(sandbox: Docker.ContainerInfo, ms: number): Promise<boolean> {
    const info = await docker
      .getContainer(sandbox.Id)
      .inspect()
      .catch(() => undefined);
    const started = dockerDate(info?.State?.StartedAt);
    return !started || Date.now() - started.getTime() < ms;
  }

  /**
   * Why nothing in the pod can answer: each app container's newest state as Docker says it, and
   * whether the kubelet will start it again (a crashed container waits out its back-off; Docker
   * alone would call the next attempt just "Created").
   */
  function noAppRunning(pod: KubeObject, port: number, apps: Docker.ContainerInfo[]): Error {
    const spec = pod.spec as { containers?: { name: string }[]; restartPolicy?: string } | undefined;
    const policy = spec?.restartPolicy ?? 'Always';
    const names = (spec?.containers ?? []).map((c) => c.name);
    const states = names.map((n) => {
      const [c, before] = apps.filter((a) => a.Labels[L.container] === n);
      if (!c) return `"${n}" is gone (removed; the kubelet makes it again)`;
      const docker = c.Status || c.State;
      if (c.State === 'created' && before) return `"${n}" is being restarted (last attempt ${before.Status || before.State})`;
      const code = Number(/\((\d+)\)/.exec(c.Status ?? '')?.[1] ?? NaN);
      const restarts = c.State === 'exited' && (policy === 'Always' || (policy === 'OnFailure' && code !== 0));
      return `"${n}" ${docker}${restarts ? ', waiting to restart (CrashLoopBackOff)' : ''}`;
    });
    return Object.assign(
      new Error(
        `no container of pod "${pod.metadata.name}" is running (${states.join(', ')}): nothing can answer on port ${port}; see \`kubectl describe pod ${pod.metadata.name}\``,
      ),
      { code: 'ENOTRUNNING' },
    );
  }

  /** Refused means the pod answered (nothing listens): rejected; silence means no route: undefined. */
  function direct(ip: string, port: number): Promise<Duplex | undefined> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: ip, port, timeout: 2000 });
      s.once('connect', () => {
        s.setTimeout(0);
        resolve(s);
      });
      s.once('timeout', () => {
        s.destroy();
        resolve(undefined);
      });
      s.once('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? reject(e) : resolve(undefined)));
    });
  }

  async function dial(pod: KubeObject, sandbox: Docker.ContainerInfo, port: number): Promise<Duplex> {
    const ip =
      Object.values(sandbox.NetworkSettings?.Networks ?? {})[0]?.IPAddress || (pod.status as { podIP?: string } | undefined)?.podIP;
    const s = ip ? await direct(ip, port) : undefined;
    if (s) return s;
    // The bridge is unreachable from here (Docker Desktop): relay through nc in the sandbox.
    const exec = await docker
      .getContainer(sandbox.Id)
      .exec({ Cmd: ['nc', '127.0.0.1', String(port)], AttachStdin: true, AttachStdout: true, AttachStderr: false });
    const sock: Duplex = await exec.start({ hijack: true, stdin: true });
    const stdout = new PassThrough();
    docker.modem.demuxStream(sock, stdout, new PassThrough());
    sock.on('end', () => stdout.end());
    sock.on('close', () => stdout.end());
    return Duplex.from({ readable: stdout, writable: sock });
  }

  return async (pod, port) => {
    const waitMs = d.waitMs ?? WAIT_MS;
    const end = Date.now() + waitMs;
    let waited = false;
    for (;;) {
      let now: PodNow;
      try {
        now = await podNow(pod);
      } catch (e) {
        // Docker away (restarting): wait for it; past the bound, its error says what is wrong.
        if (!dockerDownMessage(e) || Date.now() >= end) throw e;
        waited = true;
        await sleep(POLL_MS);
        continue;
      }
      const up = now.sandbox?.State === 'running' && now.appRunning;
      // A sandbox up for a while with no app container running is not being repaired: say so now.
      if (!up && !waited && now.sandbox?.State === 'running' && !(await startedWithin(now.sandbox, waitMs)))
        throw noAppRunning(pod, port, now.apps);
      if (up || Date.now() >= end) {
        if (!now.sandbox)
          throw new Error(`pod "${pod.metadata.name}" has no sandbox (the kubelet did not make it again within ${waitMs / 1000} s)`);
        if (!up && now.sandbox.State === 'running') throw noAppRunning(pod, port, now.apps);
        if (!up)
          throw new Error(
            `pod "${pod.metadata.name}"'s sandbox is ${now.sandbox.Status || now.sandbox.State}: the kubelet did not repair it within ${waitMs / 1000} s`,
          );
        try {
          return await dial(pod, now.sandbox, port);
        } catch (e) {
          // Just repaired: the app may not listen yet. A pod that was up all along answers as upstream.
          if (!waited || Date.now() >= end || (e as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw e;
        }
      }
      waited = true;
      await sleep(POLL_MS);
    }
  };
}
