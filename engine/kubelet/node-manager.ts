// The node manager: runs a kubelet for every Node annotated `skiff.dev/node-runtime`: simulated
// (in memory, like kwok) or docker (real containers). Built to hold 1,000 nodes and 30,000 pods
// in one process: one node watch, one pod watch dispatching by spec.nodeName, one lease ticker,
// and one coalescing write queue shared by every kubelet.
import type { KubeObject } from '../kinds/types';
import { R } from '../client/types';
import { createInformer } from '../client/informer';
import { createKubelet, type Kubelet } from './kubelet';
import { createWriteQueue } from './status-writer';
import { indexOfPodCIDR, nodeIPFor, podCIDRFor } from './pod-cidr';
import { NODE_RUNTIME_ANNOTATION, NODE_STOPPED_ANNOTATION } from './simulated-node';
import type { ContainerRuntime } from './runtime';
import { claimNode, ownerOf } from './node-owner';
import { createNodeRuntime, type DockerNodeExtras } from './node-runtime';
import { createNodeIpam } from './node-ipam';
import { nodeMetrics } from './node-metrics';
import type { NodeManager, NodeManagerOptions } from './node-manager-types';

const isStopped = (n: KubeObject) => n.metadata.annotations?.[NODE_STOPPED_ANNOTATION] === 'true';

interface RunningNode {
  kubelet: Kubelet;
  runtime: ContainerRuntime;
  health?: DockerNodeExtras['health'];
  removeAll?: () => Promise<void>;
}

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
  const kubelets = new Map<string, RunningNode>();
  const ipam = createNodeIpam({ client: opts.ipamClient ?? client, log, allocates: !only });
  let stopped = false;

  const nodes = createInformer(client, R.nodes, { log, ...(only ? { fieldSelector: `metadata.name=${only.nodeName}` } : {}) });
  const pods = createInformer(client, R.pods, { fieldSelector: only ? `spec.nodeName=${only.nodeName}` : 'spec.nodeName!=', log });

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
      index = ipam.freeIndex();
      if (!cidr && !only) {
        // Nobody allocated a pod CIDR (no IPAM controller): take the next free one.
        cidr = podCIDRFor(index);
        await nodeClient
          .patch(R.nodes, undefined, name, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } })
          .catch((e) => log(`node ${name}: podCIDR: ${e.message}`));
      }
    }
    ipam.take(index);
    const hostIP = only?.hostIP ?? nodeIPFor(index);
    const { runtime, docker } = await createNodeRuntime(runtimeOf(n) === 'docker' ? 'docker' : 'simulated', opts, {
      name,
      client: nodeClient,
      hostIP,
      podCIDR: cidr,
      log,
      now,
      span,
      kubelet: () => kubelets.get(name)?.kubelet,
    });
    const kubelet = createKubelet({
      client: nodeClient,
      nodeName: name,
      runtime,
      writes,
      hostIP,
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

  nodes.addHandlers({
    add: (n) => {
      ipam.noteNode(n);
      ipam.allocateJoined(n);
      if (runsHere(n)) addNode(n).catch((e) => log(`node ${n.metadata.name}: ${e.message}`));
    },
    update: (_, n) => {
      ipam.allocateJoined(n);
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
  for (const n of nodes.list()) ipam.noteNode(n);
  ipam.listed();
  for (const n of nodes.list()) ipam.allocateJoined(n);
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
    metrics: () => nodeMetrics(kubelets, now()),
    idle: () => writes.idle(),
  };
}
