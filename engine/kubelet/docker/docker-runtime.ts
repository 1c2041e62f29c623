// ContainerRuntime on Docker (dockerode): a pause-like sandbox per pod on the cluster network
// holds the pod IP; app containers join its network namespace. Everything carries labels so a
// restarted kubelet adopts its containers; Docker events tell the kubelet when one exits.
import type Docker from 'dockerode';
import { Docker as DockerClient } from '../../docker/dockerode';
import { join } from 'node:path';
import { existsSync, rmSync } from 'node:fs';
import type {
  ContainerRuntime,
  ContainerStats,
  RawState,
  RuntimeContainer,
  RuntimeListener,
  RuntimeNotice,
  Sandbox,
  SandboxConfig,
  ContainerConfig,
} from '../runtime';
import type { NodeStreams } from '../../client/node-streams';
import type { KubeObject } from '../../kinds/types';
import { L, SANDBOX, clusterFilter, clusterLabels, containerName, ownedBy, type ClusterKey } from '../../docker/names';
import { ensureClusterNetwork } from '../../docker/network';
import { buildEnv, hostConfigFor, sandboxDns, userOf, type ObjectLookup, type PodDnsSettings } from './container-config';
import { prepareVolumes, refreshVolumes } from './volumes';
import { createDockerStreams } from './docker-streams';
import { createImagePuller } from './image-pull';
import { ensurePauseImage } from '../../docker/pause-image';
import { watchOutsideChanges } from './outside-changes';
import { watchDockerEvents } from './docker-events';
import { dockerDate, ignoreGone, notFound } from './docker-errors';
import { createDockerDiskFull } from './disk-full';
import { createDockerDiskLow } from './disk-low';
import { dockerEndpoint, sayDockerDown } from '../../docker/docker-down';
import { createPodTokens, type RequestPodToken, type TokenSource } from './pod-tokens';
const VOLUME_REFRESH_MS = 5_000;

export interface DockerRuntimeOptions {
  /** The cluster's identity (names.ts): containers are labelled and selected by its UID. */
  cluster: ClusterKey;
  node: string;
  /** Where per-pod volume dirs live (the cluster's data dir). */
  dataDir: string;
  /** The pod sandbox image; unset: Skiff's own, built locally (engine/docker/pause-image.ts). */
  sandboxImage?: string;
  hostIP?: string;
  docker?: Docker;
  lookup?: ObjectLookup;
  /** A service-account token bound to the pod, via TokenRequest (projected volumes; pod-tokens.ts renews them). */
  token?: RequestPodToken;
  caCert?: string;
  pvcPath?: (namespace: string, claim: string) => Promise<string | undefined>;
  log?: (line: string) => void;
  /** How often ConfigMap/Secret/projected volumes are rewritten from their sources (default 5 s). */
  volumeRefreshMs?: number;
  /** Service networking (engine/network): cluster DNS for sandboxes, Service env for containers. */
  network?: DockerPodNetwork;
  /** Docker's event stream broke or cannot be opened (false; Docker may be restarting) or is back (true). */
  onEvents?: (connected: boolean) => void;
  /** How often the node's containers are relisted to catch missed events (default 3 s). */
  relistMs?: number;
  /** The cluster network's subnet (cluster.json): a network removed behind our back is made again with it. */
  subnet?: string;
  /** Docker's disk became full or nearly full, or has room again (diskPressure() changed). */
  onDiskPressure?: () => void;
  /** How often the free space under Docker's data root is read (default 30 s; disk-low.ts). */
  diskCheckMs?: number;
}

export interface DockerPodNetwork {
  /** Cluster DNS for new sandboxes; undefined while it cannot work (the agent failed): Docker's then. */
  dns(): PodDnsSettings | undefined;
  serviceEnv?(pod: KubeObject): Promise<Record<string, string>>;
}

export type DockerRuntime = ContainerRuntime &
  NodeStreams & {
    readonly streams: NodeStreams;
    readonly docker: Docker;
    /** Whether Docker's event stream is open (a Docker shutting down answers pings but not this). */
    eventsConnected(): boolean;
    /** Drops the event stream and subscribes again (the runtime went down: the old stream proves nothing). */
    resubscribe(): void;
    /** Removes every container of this node (tests, node removal). */
    removeAll(): Promise<void>;
    /** DiskPressure's message while Docker's disk is full (disk-full.ts). */
    diskPressure(): string | undefined;
  };

export function createDockerRuntime(o: DockerRuntimeOptions): DockerRuntime {
  const docker = o.docker ?? new DockerClient();
  const streams = createDockerStreams({ docker, cluster: o.cluster, node: o.node });
  const log = o.log ?? (() => {});
  const listeners = new Set<RuntimeListener>();
  const pods = new Map<string, KubeObject>(); // uid → pod last seen by ensureSandbox
  const baseFilter = [...clusterFilter(o.cluster), `${L.node}=${o.node}`];
  // A legacy cluster selects by name, which another cluster may share: ownership decides.
  const list = async (opts: { all?: boolean; labels?: string[] }) =>
    (await docker.listContainers({ all: opts.all, filters: { label: [...baseFilter, ...(opts.labels ?? [])] } })).filter((c) =>
      ownedBy(o.cluster, c.Labels),
    );
  let network: Promise<string> | undefined;
  let closed = false;
  let version = 'docker://unknown';

  docker.version().then(
    (v) => {
      version = `docker://${v.Version}`;
    },
    () => {},
  );
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
  const disk = createDockerDiskFull({ rootDir: () => dockerRoot, changed: o.onDiskPressure });
  const low = createDockerDiskLow({
    rootDir: () => (rootIsLocal ? dockerRoot : undefined),
    intervalMs: o.diskCheckMs,
    changed: o.onDiskPressure,
  });

  const emit = (uid: string, notice?: RuntimeNotice) => {
    for (const l of listeners) l(uid, notice);
  };

  const dockerEvents = watchDockerEvents({
    docker,
    cluster: o.cluster,
    labels: baseFilter,
    changed: (uid) => emit(uid),
    destroyed: (c) => outside.destroyed(c),
    knownPods: () => pods.keys(),
    isClosed: () => closed,
    onEvents: o.onEvents,
    log,
  });

  // The kubelet's PLEG, plus what it finds done behind our back (outside-changes.ts).
  const outside = watchOutsideChanges({
    docker,
    cluster: o.cluster,
    subnet: o.subnet,
    list: () => list({ all: true }),
    knownPod: (uid) => pods.has(uid),
    lastIP: (id) => sandboxIPs.get(id),
    emit,
    log,
    relistMs: o.relistMs,
  });
  const { pleg, removeOwn } = outside;

  const podDir = (uid: string) => join(o.dataDir, 'pods', uid);

  const podTokens = createPodTokens({ request: o.token });
  const tokenFor = (pod: KubeObject) => (source: TokenSource) => podTokens.get(pod, source);

  // ConfigMap/Secret/projected volumes follow their sources, as the kubelet's periodic sync does.
  let refreshing = false;
  const refreshTimer = setInterval(async () => {
    if (refreshing || closed) return;
    refreshing = true;
    try {
      for (const [uid, pod] of pods) {
        if (!existsSync(join(podDir(uid), 'volumes'))) continue; // no container made yet
        const changed = await refreshVolumes({
          pod,
          podDir: podDir(uid),
          lookup: o.lookup,
          token: tokenFor(pod),
          caCert: o.caCert,
        }).catch(() => []);
        if (changed.length) log(`pod ${pod.metadata.namespace}/${pod.metadata.name}: volume(s) ${changed.join(', ')} updated`);
      }
    } finally {
      refreshing = false;
    }
  }, o.volumeRefreshMs ?? VOLUME_REFRESH_MS);
  refreshTimer.unref();

  /** The pod's newest sandbox. */
  async function findSandbox(uid: string) {
    const found = await list({ all: true, labels: [`${L.podUid}=${uid}`, `${L.container}=${SANDBOX}`] });
    return found.sort((a, b) => Number(b.Labels[L.attempt] ?? 0) - Number(a.Labels[L.attempt] ?? 0))[0];
  }

  // Pull policy, pull Secrets and progress live in image-pull.ts.
  const puller = createImagePuller({ docker, lookup: o.lookup, log });
  const imagePresent = (image: string) => puller.present(image);
  const pull = (image: string) => puller.pull(image);

  async function ensureSandboxImage(): Promise<string> {
    const image = o.sandboxImage;
    if (!image)
      return ensurePauseImage(docker, log).catch((e: Error) => {
        throw new Error(
          `cannot build Skiff's sandbox image (${e.message}); pass --sandbox-image / SKIFF_SANDBOX_IMAGE naming a local image`,
        );
      });
    if (await imagePresent(image)) return image;
    try {
      await pull(image);
      return image;
    } catch (err) {
      const e = err as Error;
      throw new Error(
        `sandbox image "${image}" is not present and cannot be pulled (${e.message}); load it with \`docker load\`/\`docker import\`, or pass --sandbox-image / SKIFF_SANDBOX_IMAGE naming a local image (unset, Skiff builds its own)`,
      );
    }
  }

  // A closed runtime (the cluster is stopping) starts nothing: syncs still in flight when the
  // kubelet stopped would otherwise restart containers `skiff stop` has just stopped.
  const stillOpen = () => {
    if (closed) throw new Error('the node is stopping');
  };

  // Each sandbox's last pod IP: a sandbox that loses the network rejoins it at the same address.
  const sandboxIPs = new Map<string, string>();
  async function podIPOf(id: string): Promise<string> {
    const info = await docker.getContainer(id).inspect();
    const nets = info.NetworkSettings?.Networks ?? {};
    const ip = Object.values(nets)[0]?.IPAddress || sandboxIPs.get(id) || '';
    if (ip) sandboxIPs.set(id, ip);
    return ip;
  }

  function toRuntime(c: Docker.ContainerInspectInfo): RuntimeContainer {
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

  async function listContainers(podUid?: string): Promise<RuntimeContainer[]> {
    const found = await list({ all: true, labels: podUid ? [`${L.podUid}=${podUid}`] : [] });
    const out: RuntimeContainer[] = [];
    for (const c of found) {
      if (c.Labels[L.container] === SANDBOX) continue;
      const info = await docker
        .getContainer(c.Id)
        .inspect()
        .catch((e) => {
          ignoreGone(e);
          return undefined;
        });
      if (info) out.push(toRuntime(info));
    }
    return out;
  }

  const runtime: DockerRuntime = {
    docker,
    eventsConnected: () => dockerEvents.connected(),
    resubscribe: () => dockerEvents.resubscribe(),
    get version() {
      return version;
    },

    async ensureSandbox(cfg: SandboxConfig): Promise<Sandbox> {
      stillOpen();
      const pod = cfg.pod;
      const uid = pod.metadata.uid!;
      pods.set(uid, pod);
      const existing = await findSandbox(uid);
      let attempt = 0;
      if (existing) {
        let removedElsewhere = existing.State === 'removing';
        const started =
          existing.State === 'running' ||
          (await docker
            .getContainer(existing.Id)
            .start()
            .then(
              () => true,
              (e: { statusCode?: number; message?: string }) => {
                if (e?.statusCode === 304) return true;
                if (/marked for removal/.test(String(e?.message))) removedElsewhere = true;
                // After a Docker restart a sandbox may not start again (a stale task or
                // endpoint): it is replaced, and the pod's containers restart in the new one.
                log(`pod ${pod.metadata.namespace}/${pod.metadata.name}: sandbox does not start (${e.message}); replacing it`);
                return false;
              },
            ));
        if (started) return { id: existing.Id, podIP: pod.spec?.hostNetwork ? (o.hostIP ?? '') : await podIPOf(existing.Id) };
        attempt = Number(existing.Labels[L.attempt] ?? 0) + 1;
        // A `docker rm` behind our back is still the relist's to report, not our removal.
        if (removedElsewhere) await docker.getContainer(existing.Id).remove({ force: true }).catch(ignoreGone);
        else await removeOwn(existing.Id);
      }
      const sandboxImage = await ensureSandboxImage();
      network ??= ensureClusterNetwork(docker, o.cluster, o.subnet).catch((e) => {
        network = undefined;
        throw e;
      });
      const net = await network;
      const { name = '', namespace = 'default' } = pod.metadata;
      const hostname = (pod.spec?.hostname ?? name).slice(0, 63);
      const c = await docker.createContainer({
        name: containerName(SANDBOX, name, namespace, uid, attempt),
        Image: sandboxImage,
        Hostname: pod.spec?.hostNetwork ? undefined : hostname,
        Domainname: pod.spec?.subdomain ? `${pod.spec.subdomain}.${namespace}.svc.cluster.local` : undefined,
        Labels: {
          ...clusterLabels(o.cluster),
          [L.node]: o.node,
          [L.namespace]: namespace,
          [L.pod]: name,
          [L.podUid]: uid,
          [L.container]: SANDBOX,
          [L.attempt]: String(attempt),
        },
        HostConfig: { NetworkMode: pod.spec?.hostNetwork ? 'host' : net, Init: false, ...sandboxDns(pod, o.network?.dns()) },
      });
      try {
        await c.start();
      } catch (e) {
        // Removed networks are made again on the next try (docker network rm behind our back).
        if (/network .*not found/i.test(String((e as Error).message))) network = undefined;
        await removeOwn(c.id);
        throw e;
      }
      return { id: c.id, podIP: pod.spec?.hostNetwork ? (o.hostIP ?? '') : await podIPOf(c.id), created: true };
    },

    async removeSandbox(podUid) {
      const found = await list({ all: true, labels: [`${L.podUid}=${podUid}`] });
      // App containers first: they live in the sandbox's network namespace.
      const sorted = [...found].sort((a, b) => Number(a.Labels[L.container] === SANDBOX) - Number(b.Labels[L.container] === SANDBOX));
      for (const c of sorted) {
        await removeOwn(c.Id);
        sandboxIPs.delete(c.Id);
      }
      pods.delete(podUid);
      podTokens.forget(podUid);
      rmSync(podDir(podUid), { recursive: true, force: true });
    },

    pullImage: (image, opts) => puller.ensure(image, opts),

    async createContainer(cfg: ContainerConfig) {
      stillOpen();
      const pod = pods.get(cfg.podUid);
      if (!pod) throw new Error(`no sandbox for pod ${cfg.podUid}`);
      const { name = '', namespace = 'default' } = pod.metadata;
      const spec = cfg.spec;
      const podIP = pod.spec?.hostNetwork ? (o.hostIP ?? '') : await podIPOf(cfg.sandboxId);
      const serviceEnv = await o.network?.serviceEnv?.(pod).catch((e) => {
        log(`pod ${namespace}/${name}: service env: ${e.message}`);
        return undefined;
      });
      const env = await buildEnv({ pod, spec, hostIP: o.hostIP ?? '', podIP, lookup: o.lookup, serviceEnv });
      const vols = await prepareVolumes({
        pod,
        podDir: podDir(cfg.podUid),
        lookup: o.lookup,
        token: tokenFor(pod),
        caCert: o.caCert,
        pvcPath: o.pvcPath,
      });
      const cname = containerName(spec.name, name, namespace, cfg.podUid, cfg.attempt);
      // kubectl debug --target: share the target container's process namespace.
      const target = spec.targetContainerName
        ? (await list({ labels: [`${L.podUid}=${cfg.podUid}`, `${L.container}=${spec.targetContainerName}`] }))[0]
        : undefined;
      // A half-made container of the same attempt (kubelet died mid-create) is replaced.
      const stale = await docker
        .getContainer(cname)
        .inspect()
        .catch((e) => {
          if (!notFound(e)) throw e;
          return undefined;
        });
      if (stale) await removeOwn(stale.Id);
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
          ...clusterLabels(o.cluster),
          [L.node]: o.node,
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
      } as Docker.ContainerCreateOptions);
      return c.id;
    },

    async startContainer(id) {
      stillOpen();
      await docker
        .getContainer(id)
        .start()
        .catch((e) => {
          if (e?.statusCode !== 304) throw e;
        });
    },

    async stopContainer(id, graceSeconds) {
      await docker
        .getContainer(id)
        .stop({ t: Math.max(0, Math.floor(graceSeconds)) })
        .catch((e) => {
          if (e?.statusCode !== 304 && !notFound(e)) throw e;
        });
    },

    async removeContainer(id) {
      await removeOwn(id);
    },

    listContainers,

    async listSandboxes() {
      return (await list({ all: true, labels: [`${L.container}=${SANDBOX}`] })).map((c) => c.Labels[L.podUid]);
    },

    async stats(): Promise<ContainerStats[]> {
      const running = await list({});
      const out: ContainerStats[] = [];
      await Promise.all(
        running
          .filter((c) => c.Labels[L.container] !== SANDBOX)
          .map(async (c) => {
            const s: any = await docker
              .getContainer(c.Id)
              .stats({ stream: false })
              .catch(() => undefined);
            if (!s) return;
            const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
            const sysDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
            const cpus = s.cpu_stats?.online_cpus ?? 1;
            // Fraction of the machine × CPUs = cores; in nanocores.
            const cores = sysDelta > 0 ? (cpuDelta / sysDelta) * cpus : 0;
            const mem =
              (s.memory_stats?.usage ?? 0) - (s.memory_stats?.stats?.inactive_file ?? s.memory_stats?.stats?.total_inactive_file ?? 0);
            out.push({
              podUid: c.Labels[L.podUid],
              name: c.Labels[L.container],
              cpuNanoCores: Math.round(cores * 1e9),
              memoryBytes: Math.max(0, mem),
            });
          }),
      );
      return out;
    },

    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    close() {
      closed = true;
      clearInterval(refreshTimer);
      low.stop();
      pleg.stop();
      dockerEvents.close();
      listeners.clear();
    },

    async removeAll() {
      for (const uid of await runtime.listSandboxes()) await runtime.removeSandbox(uid);
      const rest = await list({ all: true });
      for (const c of rest) await removeOwn(c.Id);
    },

    diskPressure: () => disk.pressure() ?? low.pressure(),

    ...streams,
    streams,
  };

  // Docker's disk full, or Docker not there at all: every write path (its errors become pod
  // events and waiting reasons) says so in words a user can act on (disk-full.ts, docker-down.ts).
  const plain = { ...runtime };
  const said = (e: unknown) => {
    throw disk.check(sayDockerDown(e, dockerEndpoint(docker)));
  };
  runtime.ensureSandbox = (cfg) => plain.ensureSandbox(cfg).catch(said);
  runtime.createContainer = async (cfg) => {
    const id = await plain.createContainer(cfg).catch(said);
    disk.ok();
    return id;
  };
  runtime.startContainer = (id) => plain.startContainer(id).catch(said);
  runtime.pullImage = (image, opts) => plain.pullImage(image, opts).catch(said);
  return runtime;
}
