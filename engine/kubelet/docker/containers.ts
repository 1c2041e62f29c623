// App and init containers on Docker: created in their pod's sandbox network namespace with the
// pod's env, volumes and security settings (container-config.ts, volumes.ts), and read back as
// the runtime-neutral RuntimeContainer the kubelet's pod sync works with.
import type Docker from 'dockerode';
import type { ContainerConfig, RawState, RuntimeContainer } from '../runtime';
import type { KubeObject } from '../../kinds/types';
import { L, SANDBOX, clusterLabels, containerName, type ClusterKey } from '../../docker/names';
import { buildEnv, hostConfigFor, userOf, type ObjectLookup } from './container-config';
import { prepareVolumes } from './volumes';
import { dockerDate, ignoreGone, notFound } from './docker-errors';
import type { TokenSource } from './pod-tokens';
import type { KnownPods, ListContainers } from './runtime-shared';

export interface ContainersDeps {
  docker: Docker;
  cluster: ClusterKey;
  node: string;
  list: ListContainers;
  pods: KnownPods;
  podDir(uid: string): string;
  podIPOf(sandboxId: string): Promise<string>;
  tokenFor(pod: KubeObject): (source: TokenSource) => Promise<string | undefined>;
  removeOwn(id: string): Promise<void>;
  stillOpen(): void;
  hostIP?: string;
  lookup?: ObjectLookup;
  caCert?: string;
  pvcPath?: (namespace: string, claim: string) => Promise<string | undefined>;
  serviceEnv?(pod: KubeObject): Promise<Record<string, string>>;
  log: (line: string) => void;
}

/** A container as the kubelet sees it, from Docker's inspect. */
export function toRuntime(c: Docker.ContainerInspectInfo): RuntimeContainer {
  const l = c.Config.Labels ?? {};
  const s = c.State;
  const state: RawState = s.Running || s.Paused || s.Restarting ? 'running' : s.Status === 'created' ? 'created' : 'exited';
  return {
    id: c.Id,
    podUid: l[L.podUid],
    name: l[L.container],
    attempt: Number(l[L.attempt] ?? 0),
    image: c.Config.Image,
    imageID: `docker-pullable://${c.Image}`,
    state,
    createdAt: new Date(c.Created),
    startedAt: dockerDate(s.StartedAt),
    finishedAt: state === 'exited' ? dockerDate(s.FinishedAt) : undefined,
    exitCode: state === 'exited' ? s.ExitCode : undefined,
    reason: state !== 'exited' ? undefined : s.OOMKilled ? 'OOMKilled' : s.ExitCode === 0 ? 'Completed' : 'Error',
    message: s.Error || undefined,
  };
}

export function createContainers(d: ContainersDeps) {
  const { docker, log } = d;

  // What an inspect said of a running or exited container: neither changes what the kubelet reads
  // until the state does (a new list shows it) or Docker reports an event (forget below).
  const inspected = new Map<string, { state: string; podUid: string; c: RuntimeContainer }>();

  async function listContainers(podUid?: string): Promise<RuntimeContainer[]> {
    const found = await d.list({ all: true, labels: podUid ? [`${L.podUid}=${podUid}`] : [] });
    const ids = new Set(found.map((c) => c.Id));
    for (const [id, e] of inspected) if ((!podUid || e.podUid === podUid) && !ids.has(id)) inspected.delete(id);
    const out: RuntimeContainer[] = [];
    for (const c of found) {
      if (c.Labels[L.container] === SANDBOX) continue;
      const known = inspected.get(c.Id);
      if (known && known.state === c.State) {
        out.push({ ...known.c });
        continue;
      }
      const info = await docker
        .getContainer(c.Id)
        .inspect()
        .catch((e) => {
          ignoreGone(e);
          return undefined;
        });
      if (!info) continue;
      const rc = toRuntime(info);
      if (rc.state === c.State && (c.State === 'running' || c.State === 'exited'))
        inspected.set(c.Id, { state: c.State, podUid: rc.podUid, c: { ...rc } });
      out.push(rc);
    }
    return out;
  }

  /** Docker reported a change to one of the pod's containers: read them afresh. */
  function forget(podUid: string): void {
    for (const [id, e] of inspected) if (e.podUid === podUid) inspected.delete(id);
  }

  async function createContainer(cfg: ContainerConfig): Promise<string> {
    d.stillOpen();
    const pod = d.pods.get(cfg.podUid);
    if (!pod) throw new Error(`no sandbox for pod ${cfg.podUid}`);
    const { name = '', namespace = 'default' } = pod.metadata;
    const spec = cfg.spec;
    const podIP = pod.spec?.hostNetwork ? (d.hostIP ?? '') : await d.podIPOf(cfg.sandboxId);
    const serviceEnv = await d.serviceEnv?.(pod).catch((e) => {
      log(`pod ${namespace}/${name}: service env: ${e.message}`);
      return undefined;
    });
    const env = await buildEnv({ pod, spec, hostIP: d.hostIP ?? '', podIP, lookup: d.lookup, serviceEnv });
    const vols = await prepareVolumes({
      pod,
      podDir: d.podDir(cfg.podUid),
      lookup: d.lookup,
      token: d.tokenFor(pod),
      caCert: d.caCert,
      pvcPath: d.pvcPath,
    });
    const cname = containerName(spec.name, name, namespace, cfg.podUid, cfg.attempt);
    // kubectl debug --target: share the target container's process namespace.
    const target = spec.targetContainerName
      ? (await d.list({ labels: [`${L.podUid}=${cfg.podUid}`, `${L.container}=${spec.targetContainerName}`] }))[0]
      : undefined;
    // A half-made container of the same attempt (kubelet died mid-create) is replaced.
    const stale = await docker
      .getContainer(cname)
      .inspect()
      .catch((e) => {
        if (!notFound(e)) throw e;
        return undefined;
      });
    if (stale) await d.removeOwn(stale.Id);
    const c = await docker.createContainer({
      name: cname,
      Image: spec.image,
      ...(spec.command ? { Entrypoint: spec.command } : {}),
      ...(spec.args ? { Cmd: spec.args } : spec.command ? { Cmd: [] } : {}),
      WorkingDir: spec.workingDir,
      Env: env,
      User: userOf(spec, pod),
      Tty: !!spec.tty,
      OpenStdin: !!spec.stdin,
      StdinOnce: !!spec.stdinOnce,
      Labels: {
        ...clusterLabels(d.cluster),
        [L.node]: d.node,
        [L.namespace]: namespace,
        [L.pod]: name,
        [L.podUid]: cfg.podUid,
        [L.container]: spec.name,
        [L.attempt]: String(cfg.attempt),
        [L.init]: String(cfg.init),
      },
      HostConfig: {
        ...hostConfigFor(spec, pod, vols),
        NetworkMode: pod.spec?.hostNetwork ? 'host' : `container:${cfg.sandboxId}`,
        ...(target ? { PidMode: `container:${target.Id}` } : {}),
      },
    });
    return c.id;
  }

  return { listContainers, createContainer, forget };
}
