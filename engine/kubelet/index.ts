// The node manager: runs a kubelet for every Node annotated `skiff.dev/node-runtime`: simulated
// (in memory, like kwok) or docker (real containers; its NodeStreams serve logs/exec/port-forward). Built to hold 1,000 nodes and 30,000 pods in
// one process: one node watch, one pod watch dispatching by spec.nodeName, one lease ticker,
// and one coalescing write queue shared by every kubelet.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../kinds/types';
import type { KubeClient } from '../client/types';
import { R, isStatus } from '../client/types';
import { createInformer } from '../client/informer';
import { createKubelet, type Kubelet, type KubeletOptions } from './kubelet';
import type { RuntimeHealth } from './docker/health';
import type { HostFacts } from './docker/node-info';
import { createSimulatedRuntime } from './simulated-runtime';
import { simulatedStreams } from './simulated-streams';
import { createWriteQueue } from './status-writer';
import { indexOfPodCIDR, nodeIPFor, podCIDRFor } from './pod-cidr';
import type { NodeCapacity } from './node-status';
import { NODE_RUNTIME_ANNOTATION, NODE_STOPPED_ANNOTATION, simulatedNode } from './simulated-node';
import type { ContainerRuntime } from './runtime';
import type { NodeStreamsRegistry } from '../client/node-streams';
import type { DockerRuntimeOptions } from './docker/docker-runtime';
import { claimNode, ownerOf } from './node-owner';

export { NODE_RUNTIME_ANNOTATION, NODE_STOPPED_ANNOTATION, simulatedNode } from './simulated-node';

export interface NodeManagerOptions {
  /** The manager's shared watches of Nodes and bound Pods (and each kubelet's, without `clientFor`). */
  client: KubeClient;
  /** The client each node's kubelet acts through (its own identity, system:node:<name>). */
  clientFor?: (nodeName: string) => KubeClient;
  log?: (line: string) => void;
  now?: () => Date;
  simulated?: { startDelayMs?: number; completeAfterMs?: number; backoffBaseMs?: number };
  capacity?: NodeCapacity;
  /** Lease renewal period (default 10 s). */
  leaseIntervalMs?: number;
  /** false: kubelets record no events (scale runs). */
  events?: boolean;
  /** Status/lease writes in flight at once across all kubelets (default 32). */
  writeConcurrency?: number;
  /** Where kubelets register their node's streams (the API core's registry). */
  nodeStreams?: NodeStreamsRegistry;
  /** Times each phase of the start (SKIFF_TRACE=start); absent: nothing is timed. */
  trace?: <T>(phase: string, work: () => Promise<T>) => Promise<T>;
  /** Each step of each pod's sync (SKIFF_TRACE=pod); absent: nothing is traced. */
  podTrace?: KubeletOptions['podTrace'];
  /**
   * The Docker host's facts, read ahead (the control plane starts when it first sees Docker,
   * before the network agent's start keeps the engine busy): each Docker node's first status
   * uses them instead of asking again; undefined inside: ask.
   */
  hostFacts?: Promise<HostFacts | undefined>;
  /**
   * Several control-plane instances share the cluster: run only the nodes annotated with this
   * instance (claiming unowned ones first, see node-owner.ts). Absent: run every node.
   */
  owner?: string;
  /** Settings for nodes annotated `skiff.dev/node-runtime: docker`. */
  docker?: Pick<
    DockerRuntimeOptions,
    'cluster' | 'dataDir' | 'sandboxImage' | 'subnet' | 'caCert' | 'docker' | 'token' | 'signingKeyChangedAt' | 'network'
  >;
  /** A node agent on a joined machine: run only this node, Docker-backed, whatever its annotation,
   *  watching only its own Node and pods (as a kubelet does, which its node credentials allow). */
  only?: { nodeName: string; hostIP: string };
  /**
   * A node this manager ran was deleted from the API (kubectl delete node): its kubelet has removed
   * the containers of every pod it ran (`pods` of them) and stopped.
   */
  onNodeDeleted?(name: string, removed: { pods: number }): void;
  /** Hands joined machines' nodes their podCIDR (upstream's node IPAM, a controller-manager job:
   *  the node manager's own identity may not patch other nodes). Absent: `client`. */
  ipamClient?: KubeClient;
}

export interface NodeMetrics {
  nodes: { name: string; cpuNanoCores: number; memoryBytes: number; timestamp: string }[];
  pods: {
    namespace: string;
    name: string;
    containers: { name: string; cpuNanoCores: number; memoryBytes: number }[];
    timestamp: string;
    /** Set for figures another machine's node agent reported: shown only while the pod is bound to that node. */
    node?: string;
  }[];
}

export interface NodeManager {
  stop(): void;
  /** Names of nodes with a running kubelet. */
  kubelets(): string[];
  metrics(): NodeMetrics;
  /** Resolves when no status or lease write is pending (tests). */
  idle(): Promise<void>;
}

/** Usage a node reports beyond its pods (system daemons). */
const SYSTEM_CPU_NANO = 50_000_000;
const SYSTEM_MEMORY = 256 * 1024 * 1024;

const isStopped = (n: KubeObject) => n.metadata.annotations?.[NODE_STOPPED_ANNOTATION] === 'true';

export async function startNodeManager(opts: NodeManagerOptions): Promise<NodeManager> {
  const { client } = opts;
  const only = opts.only;
  const runtimeOf = (n: KubeObject) => (only ? 'docker' : n.metadata.annotations?.[NODE_RUNTIME_ANNOTATION]);
  const isSimulated = (n: KubeObject) =>
    only ? n.metadata.name === only.nodeName : runtimeOf(n) === 'simulated' || runtimeOf(n) === 'docker';
  const log = opts.log ?? (() => {});
  const span = opts.trace ?? (<T>(_phase: string, work: () => Promise<T>) => work());
  const now = opts.now ?? (() => new Date());
  const writes = createWriteQueue({ concurrency: opts.writeConcurrency, log });
  const kubelets = new Map<
    string,
    { kubelet: Kubelet; runtime: ContainerRuntime; health?: { stop(): void }; removeAll?: () => Promise<void> }
  >();
  const usedIndexes = new Set<number>();
  let stopped = false;

  const nodes = createInformer(client, R.nodes, { log, ...(only ? { fieldSelector: `metadata.name=${only.nodeName}` } : {}) });
  const pods = createInformer(client, R.pods, { fieldSelector: only ? `spec.nodeName=${only.nodeName}` : 'spec.nodeName!=', log });

  function freeIndex(): number {
    let i = 0;
    while (usedIndexes.has(i)) i++;
    return i;
  }

  // A node's kubelet is started once: the informer's first add and the initial list below both
  // ask for it (twice started, the first runtime leaked its event stream and health timer).
  const adding = new Map<string, Promise<void>>();
  // Another instance's node is not ours to run.
  const runsHere = (n: KubeObject) => isSimulated(n) && (!opts.owner || (ownerOf(n) ?? opts.owner) === opts.owner);
  function addNode(n: KubeObject): Promise<void> {
    const name = n.metadata.name!;
    let p = adding.get(name);
    if (!p) adding.set(name, (p = startKubelet(n).finally(() => adding.delete(name))));
    return p;
  }

  async function startKubelet(n: KubeObject) {
    const name = n.metadata.name!;
    if (kubelets.has(name)) return;
    const nodeClient = opts.clientFor?.(name) ?? client;
    if (opts.owner && !(await claimNode(nodeClient, n, opts.owner))) return;
    if (stopped) return;
    let cidr: string | undefined = n.spec?.podCIDR;
    let index = indexOfPodCIDR(cidr);
    if (index === undefined) {
      index = freeIndex();
      if (!cidr && !only) {
        // Nobody allocated a pod CIDR (no IPAM controller): take the next free one.
        cidr = podCIDRFor(index);
        await nodeClient
          .patch(R.nodes, undefined, name, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } })
          .catch((e) => log(`node ${name}: podCIDR: ${e.message}`));
      }
    }
    usedIndexes.add(index);
    let runtime: ContainerRuntime;
    let docker: Pick<KubeletOptions, 'hostFacts' | 'runtimeHealthy' | 'runtimeDownWhy' | 'diskPressure'> & {
      health?: RuntimeHealth;
      removeAll?: () => Promise<void>;
    } = {};
    if (runtimeOf(n) === 'docker') {
      const [{ createDockerRuntime }, { dockerLookups }, { createRuntimeHealth }, { dockerHostFacts }] = await span(
        `${name}: import docker runtime`,
        () =>
          Promise.all([
            import('./docker/docker-runtime'),
            import('./docker/lookups'),
            import('./docker/health'),
            import('./docker/node-info'),
          ]),
      );
      const d = opts.docker ?? { cluster: 'skiff', dataDir: join(tmpdir(), 'skiff-docker') };
      const h: { health?: RuntimeHealth } = {};
      const dr = createDockerRuntime({
        ...d,
        node: name,
        hostIP: only?.hostIP ?? nodeIPFor(index),
        log,
        ...dockerLookups(nodeClient),
        // A broken event stream is the first sign of a Docker restart (and its return the last): check now.
        onEvents: () => void h.health?.check(),
        onDiskPressure: () => kubelets.get(name)?.kubelet.refreshNodeStatus(),
      });
      opts.nodeStreams?.set(name, dr.streams);
      runtime = dr;
      const health = (h.health = createRuntimeHealth({
        docker: dr.docker,
        intervalMs: 2000,
        // A Docker shutting down still answers pings for seconds while it stops containers;
        // repairs made then die with it. Its event stream is closed by then: require it.
        ready: () => dr.eventsConnected(),
        onChange: (ok) => {
          log(`kubelet ${name}: container runtime ${ok ? 'is back: resyncing every pod' : `is down: ${health.why()}`}`);
          const k = kubelets.get(name)?.kubelet;
          k?.refreshNodeStatus();
          // Back only once a fresh event stream opens: a Docker in the middle of shutting down
          // answers some pings, and repairs made then die with it.
          if (!ok) dr.resubscribe();
          if (ok) k?.resyncAll();
        },
      }));
      let ahead = opts.hostFacts;
      const hostFacts = async () => {
        const early = ahead && (await ahead);
        ahead = undefined;
        return early ?? dockerHostFacts(dr.docker);
      };
      docker = {
        health,
        removeAll: () => dr.removeAll(),
        hostFacts,
        runtimeHealthy: health.healthy,
        runtimeDownWhy: () => health.why(),
        diskPressure: () => dr.diskPressure(),
      };
    } else {
      runtime = createSimulatedRuntime({
        podCIDR: cidr,
        startDelayMs: opts.simulated?.startDelayMs,
        completeAfterMs: opts.simulated?.completeAfterMs,
        now,
      });
      opts.nodeStreams?.set(name, simulatedStreams(name));
    }
    const kubelet = createKubelet({
      client: nodeClient,
      nodeName: name,
      runtime,
      writes,
      hostIP: only?.hostIP ?? nodeIPFor(index),
      podCIDR: cidr,
      capacity: opts.capacity,
      events: opts.events,
      backoffBaseMs: opts.simulated?.backoffBaseMs,
      now,
      log,
      hostFacts: docker.hostFacts,
      runtimeHealthy: docker.runtimeHealthy,
      runtimeDownWhy: docker.runtimeDownWhy,
      diskPressure: docker.diskPressure,
      podTrace: opts.podTrace,
    });
    kubelets.set(name, { kubelet, runtime, health: docker.health, removeAll: docker.removeAll });
    kubelet.setStopped(isStopped(n));
    if (!isStopped(n)) await span(`${name}: node status`, () => kubelet.start().catch((e) => log(`kubelet ${name}: start: ${e.message}`)));
    if (pods.hasSynced()) for (const p of pods.list()) if (p.spec?.nodeName === name) kubelet.podChanged(p);
  }

  /** Stops a node's kubelet, leaving its containers for the next run (adoption); `keepRuntime`: the caller closes it. */
  function removeNode(name: string, o: { keepRuntime?: boolean } = {}) {
    const k = kubelets.get(name);
    if (!k) return;
    k.kubelet.stop();
    k.health?.stop();
    if (!o.keepRuntime) k.runtime.close();
    kubelets.delete(name);
    opts.nodeStreams?.delete(name);
    // The index stays taken: a re-added node gets its own CIDR from its spec.
  }

  /**
   * The Node was deleted while its kubelet ran: the pod GC deletes its pods, and no kubelet will
   * run them again, so their containers go now (upstream's kubelet removes containers of pods no
   * longer in the API). Said in the log and as a NodeDeleted event; the Node is not re-created.
   */
  async function nodeDeleted(n: KubeObject) {
    const name = n.metadata.name!;
    const k = kubelets.get(name);
    if (!k) return;
    const uids = await Promise.resolve(k.runtime.listSandboxes()).catch(() => [] as string[]);
    const message = `Node ${name} was deleted from the cluster: its kubelet removed the containers of its ${uids.length} pod(s) and stopped (the Node is not re-created)`;
    log(`kubelet ${name}: ${message}`);
    await k.kubelet.nodeDeleted(n, message).catch((e: Error) => log(`kubelet ${name}: event: ${e.message}`));
    removeNode(name, { keepRuntime: true });
    try {
      if (k.removeAll) await k.removeAll();
      else for (const uid of uids) await k.runtime.removeSandbox(uid);
    } catch (e) {
      log(`kubelet ${name}: removing the containers of deleted node: ${(e as Error).message}`);
    } finally {
      k.runtime.close();
    }
    opts.onNodeDeleted?.(name, { pods: uids.length });
  }

  // Joined machines' nodes (run by their own agents) get a podCIDR here, as upstream's node IPAM
  // controller hands them out: their pods' Docker network uses it and other machines route it.
  const allocating = new Set<string>();
  let listed = false; // every existing node's CIDR is known as taken
  const podCIDROf = (n: KubeObject) => (n.spec as { podCIDR?: string } | undefined)?.podCIDR;
  function allocatePodCIDR(n: KubeObject) {
    const name = n.metadata.name!;
    if (only || !listed || podCIDROf(n) || allocating.has(name)) return;
    if (n.metadata.annotations?.[NODE_RUNTIME_ANNOTATION] !== 'joined') return;
    const index = freeIndex();
    usedIndexes.add(index);
    allocating.add(name);
    const cidr = podCIDRFor(index);
    // Conditional on the version read: a concurrent allocation (another instance) wins once.
    (opts.ipamClient ?? client)
      .patch(R.nodes, undefined, name, 'merge', {
        metadata: { resourceVersion: n.metadata.resourceVersion },
        spec: { podCIDR: cidr, podCIDRs: [cidr] },
      })
      .then(() => log(`node ${name}: podCIDR ${cidr}`))
      .catch((e: Error) => {
        usedIndexes.delete(index);
        log(`node ${name}: podCIDR: ${e.message}`);
      })
      .finally(() => allocating.delete(name));
  }

  nodes.addHandlers({
    add: (n) => {
      const taken = indexOfPodCIDR(podCIDROf(n));
      if (taken !== undefined) usedIndexes.add(taken);
      allocatePodCIDR(n);
      if (runsHere(n)) addNode(n).catch((e) => log(`node ${n.metadata.name}: ${e.message}`));
    },
    update: (_, n) => {
      allocatePodCIDR(n);
      const k = kubelets.get(n.metadata.name!);
      if (!runsHere(n)) return removeNode(n.metadata.name!);
      if (!k) return void addNode(n).catch((e) => log(`node ${n.metadata.name}: ${e.message}`));
      const wasStopped = k.kubelet.isStopped();
      k.kubelet.setStopped(isStopped(n));
      if (wasStopped && !isStopped(n)) k.kubelet.start().catch((e) => log(`kubelet ${n.metadata.name}: start: ${e.message}`));
      else k.kubelet.nodeChanged(n);
    },
    delete: (n) => void nodeDeleted(n),
  });
  pods.addHandlers({
    add: (p) => kubelets.get(p.spec?.nodeName)?.kubelet.podChanged(p),
    update: (_, p) => kubelets.get(p.spec?.nodeName)?.kubelet.podChanged(p),
    delete: (p) => kubelets.get(p.spec?.nodeName)?.kubelet.podDeleted(p),
  });

  await span('nodes informer', () => nodes.start());
  for (const n of nodes.list()) {
    const i = indexOfPodCIDR(n.spec?.podCIDR);
    if (i !== undefined) usedIndexes.add(i);
  }
  listed = true;
  for (const n of nodes.list()) allocatePodCIDR(n);
  // Kubelets exist before the pod informer's first list, so it dispatches every pod once.
  const initial = nodes.list().filter(runsHere);
  for (let i = 0; i < initial.length; i += 32) await Promise.all(initial.slice(i, i + 32).map(addNode));
  await span('pods informer', () => pods.start());
  // Remove what a previous run left for pods that no longer exist (adoption keeps the rest).
  const known = new Set(pods.list().map((p) => p.metadata.uid));
  for (const { runtime } of kubelets.values()) {
    if (!runtime.version.startsWith('docker')) continue;
    Promise.resolve(runtime.listSandboxes())
      .then((uids) => Promise.all(uids.filter((u) => !known.has(u)).map((u) => runtime.removeSandbox(u))))
      .catch((e) => log(`node manager: orphan cleanup: ${e.message}`));
  }

  const ticker = setInterval(() => {
    for (const { kubelet } of kubelets.values()) kubelet.heartbeat();
  }, opts.leaseIntervalMs ?? 10_000);
  ticker.unref();

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(ticker);
      nodes.stop();
      pods.stop();
      for (const name of [...kubelets.keys()]) removeNode(name);
      writes.stop();
    },
    kubelets: () => [...kubelets.keys()],
    metrics() {
      const timestamp = now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');
      const out: NodeMetrics = { nodes: [], pods: [] };
      for (const [name, { kubelet }] of kubelets) {
        if (kubelet.isStopped()) continue; // a dead node reports nothing
        let cpu = SYSTEM_CPU_NANO;
        let mem = SYSTEM_MEMORY;
        for (const p of kubelet.podUsage()) {
          out.pods.push({ ...p, timestamp });
          for (const c of p.containers) {
            cpu += c.cpuNanoCores;
            mem += c.memoryBytes;
          }
        }
        out.nodes.push({ name, cpuNanoCores: cpu, memoryBytes: mem, timestamp });
      }
      return out;
    },
    idle: () => writes.idle(),
  };
}

/** Creates Nodes `<cluster>-node-<start..start+count-1>` for the node manager to run. */
export async function createSimulatedNodes(
  client: KubeClient,
  clusterName: string,
  count: number,
  start = 1,
  runtime: 'simulated' | 'docker' = 'simulated',
): Promise<string[]> {
  const names: string[] = [];
  for (let i = start; i < start + count; i++) {
    const name = `${clusterName}-node-${i}`;
    names.push(name);
    try {
      await client.create(R.nodes, undefined, simulatedNode(name, i - 1, i === 1, runtime));
    } catch (e) {
      if (!isStatus(e, 409)) throw e;
    }
  }
  return names;
}
