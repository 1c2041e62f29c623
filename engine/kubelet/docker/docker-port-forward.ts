// Port-forward into a Docker pod: one TCP connection per forwarded client connection, to the pod
// IP its sandbox has now (falling back to nc inside the sandbox when the host cannot reach the
// bridge). A session that began before a repair (Docker restarted, the sandbox re-created) holds
// a pod object with an old IP, so each connection looks the sandbox up again. A connection made
// while the pod is down waits for it, within a bound: kubectl port-forward ends its whole session
// when one connection fails, and the user would have to start it again.
import type Docker from 'dockerode';
import { connect } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import type { KubeObject } from '../../kinds/types';
import { L, SANDBOX, clusterFilter, ownedBy, type ClusterKey } from '../../docker/names';

export interface DockerPortForwardDeps {
  docker: Docker;
  cluster: ClusterKey;
  /** How long a connection waits for a pod being repaired (default 30 s). */
  waitMs?: number;
}

const WAIT_MS = 30_000;
const POLL_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type PodNow = { sandbox?: Docker.ContainerInfo; appRunning: boolean };

export function createDockerPortForward(d: DockerPortForwardDeps): (pod: KubeObject, port: number) => Promise<Duplex> {
  const { docker } = d;

  /** The pod's newest sandbox, and whether one of its app containers runs (Docker may be down: nothing). */
  async function podNow(pod: KubeObject): Promise<PodNow> {
    const list = await docker
      .listContainers({ all: true, filters: { label: [...clusterFilter(d.cluster), `${L.podUid}=${pod.metadata.uid}`] } })
      .catch(() => []);
    const mine = list.filter((c) => ownedBy(d.cluster, c.Labels));
    const sandbox = mine
      .filter((c) => c.Labels[L.container] === SANDBOX)
      .sort((a, b) => Number(b.Labels[L.attempt] ?? 0) - Number(a.Labels[L.attempt] ?? 0))[0];
    const appRunning = mine.some((c) => c.Labels[L.container] !== SANDBOX && c.Labels[L.init] !== 'true' && c.State === 'running');
    return { sandbox, appRunning };
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
    const end = Date.now() + (d.waitMs ?? WAIT_MS);
    let waited = false;
    for (;;) {
      const now = await podNow(pod);
      const up = now.sandbox?.State === 'running' && now.appRunning;
      if (up || Date.now() >= end) {
        if (!now.sandbox) throw new Error(`pod "${pod.metadata.name}" has no sandbox`);
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
