// ContainerRuntime on Docker (dockerode): a pause-like sandbox per pod on the cluster network
// holds the pod IP; app containers join its network namespace. Everything carries labels so a
// restarted kubelet adopts its containers; Docker events tell the kubelet when one exits.
// This file wires the parts: sandboxes.ts, containers.ts, image-pull.ts, docker-events.ts,
// outside-changes.ts (the PLEG), volume-refresh.ts, runtime-disk.ts and docker-streams.ts.
import type Docker from 'dockerode';
import { Docker as DockerClient } from '../../docker/dockerode';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { ContainerRuntime, RuntimeListener, RuntimeNotice } from '../runtime';
import type { NodeStreams } from '../../client/node-streams';
import type { KubeObject } from '../../kinds/types';
import { L, SANDBOX, type ClusterKey } from '../../docker/names';
import type { ObjectLookup, PodDnsSettings } from './container-config';
import { createDockerStreams } from './docker-streams';
import { createImagePuller } from './image-pull';
import { watchOutsideChanges } from './outside-changes';
import { watchDockerEvents } from './docker-events';
import { createPodTokens, type RequestPodToken, type TokenSource } from './pod-tokens';
import { nodeContainers, type KnownPods } from './runtime-shared';
import { createSandboxes } from './sandboxes';
import { createContainers } from './containers';
import { containerStats } from './container-stats';
import { startVolumeRefresh } from './volume-refresh';
import { createRuntimeDisk } from './runtime-disk';
import { notFound } from './docker-errors';
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
  /** When the cluster's service-account signing key last changed (ms): older pod tokens are renewed. */
  signingKeyChangedAt?: () => number;
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
  const pods: KnownPods = new Map();
  const { list, baseFilter } = nodeContainers(docker, o.cluster, o.node);
  let closed = false;
  let version = 'docker://unknown';

  docker.version().then(
    (v) => {
      version = `docker://${v.Version}`;
    },
    () => {},
  );
  const disk = createRuntimeDisk(docker, { changed: o.onDiskPressure, checkMs: o.diskCheckMs });

  const emit = (uid: string, notice?: RuntimeNotice) => {
    for (const l of listeners) l(uid, notice);
  };

  const dockerEvents = watchDockerEvents({
    docker,
    cluster: o.cluster,
    labels: baseFilter,
    changed: (uid) => {
      containers.forget(uid);
      emit(uid);
    },
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
    lastIP: (id) => sandboxes.lastIP(id),
    emit,
    log,
    relistMs: o.relistMs,
  });
  const { pleg, removeOwn } = outside;

  const podDir = (uid: string) => join(o.dataDir, 'pods', uid);
  const podTokens = createPodTokens({ request: o.token, keysChangedAt: o.signingKeyChangedAt });
  const tokenFor = (pod: KubeObject) => (source: TokenSource) => podTokens.get(pod, source);
  const stopVolumeRefresh = startVolumeRefresh({
    pods,
    podDir,
    lookup: o.lookup,
    tokenFor,
    caCert: o.caCert,
    isClosed: () => closed,
    log,
    intervalMs: o.volumeRefreshMs ?? VOLUME_REFRESH_MS,
  });

  // Pull policy, pull Secrets and progress live in image-pull.ts.
  const puller = createImagePuller({ docker, lookup: o.lookup, log });

  // A closed runtime (the cluster is stopping) starts nothing: syncs still in flight when the
  // kubelet stopped would otherwise restart containers `skiff stop` has just stopped.
  const stillOpen = () => {
    if (closed) throw new Error('the node is stopping');
  };

  const sandboxes = createSandboxes({
    docker,
    cluster: o.cluster,
    node: o.node,
    list,
    pods,
    puller,
    removeOwn,
    stillOpen,
    sandboxImage: o.sandboxImage,
    hostIP: o.hostIP,
    subnet: o.subnet,
    dns: o.network ? () => o.network?.dns() : undefined,
    log,
  });
  const containers = createContainers({
    docker,
    cluster: o.cluster,
    node: o.node,
    list,
    pods,
    podDir,
    podIPOf: (id) => sandboxes.podIPOf(id),
    tokenFor,
    removeOwn,
    stillOpen,
    hostIP: o.hostIP,
    lookup: o.lookup,
    caCert: o.caCert,
    pvcPath: o.pvcPath,
    serviceEnv: o.network?.serviceEnv ? (pod) => o.network!.serviceEnv!(pod) : undefined,
    log,
  });

  // Docker's disk full, or Docker not there at all: every write path (its errors become pod
  // events and waiting reasons) says so in words a user can act on (runtime-disk.ts).
  const said = (e: unknown): never => {
    throw disk.said(e);
  };

  const runtime: DockerRuntime = {
    docker,
    eventsConnected: () => dockerEvents.connected(),
    resubscribe: () => dockerEvents.resubscribe(),
    get version() {
      return version;
    },

    ensureSandbox: (cfg) => sandboxes.ensureSandbox(cfg).catch(said),

    async removeSandbox(podUid) {
      const found = await list({ all: true, labels: [`${L.podUid}=${podUid}`] });
      // App containers first: they live in the sandbox's network namespace.
      const sorted = [...found].sort((a, b) => Number(a.Labels[L.container] === SANDBOX) - Number(b.Labels[L.container] === SANDBOX));
      for (const c of sorted) {
        await removeOwn(c.Id);
        sandboxes.forgetIP(c.Id);
      }
      pods.delete(podUid);
      podTokens.forget(podUid);
      rmSync(podDir(podUid), { recursive: true, force: true });
    },

    pullImage: (image, opts) => puller.ensure(image, opts).catch(said),

    async createContainer(cfg) {
      const id = await containers.createContainer(cfg).catch(said);
      disk.ok();
      return id;
    },

    async startContainer(id) {
      stillOpen();
      await docker
        .getContainer(id)
        .start()
        .catch((e) => {
          if (e?.statusCode !== 304) throw e;
        })
        .catch(said);
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

    listContainers: (podUid) => containers.listContainers(podUid),

    async listSandboxes() {
      return (await list({ all: true, labels: [`${L.container}=${SANDBOX}`] })).map((c) => c.Labels[L.podUid]);
    },

    stats: async () => containerStats(docker, await list({})),

    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    close() {
      closed = true;
      stopVolumeRefresh();
      disk.stop();
      pleg.stop();
      dockerEvents.close();
      listeners.clear();
    },

    async removeAll() {
      for (const uid of await runtime.listSandboxes()) await runtime.removeSandbox(uid);
      const rest = await list({ all: true });
      for (const c of rest) await removeOwn(c.Id);
    },

    diskPressure: () => disk.pressure(),

    ...streams,
    streams,
  };
  return runtime;
}
