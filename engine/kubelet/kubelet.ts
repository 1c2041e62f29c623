// One node's kubelet over KubeClient: posts the Node's status, renews its Lease when asked
// (the node manager drives one ticker for all nodes), and runs a serialized sync per pod bound
// to it. Pods arrive from outside (a shared informer dispatching by spec.nodeName), so a
// thousand kubelets cost one watch. Runtime-specific behavior lives only in the runtime.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kinds/types';
import type { KubeClient } from '../client/types';
import { R, isStatus } from '../client/types';
import { createEventRecorder, type EventRecorder } from '../client/event-recorder';
import type { ContainerRuntime, ContainerStats } from './runtime';
import type { Condition } from '../apimachinery/workload-types';
import { createPodSync } from './pod-sync';
import { keepStored, type StoredStatus } from './pod-status';
import type { WriteQueue } from './status-writer';
import {
  DEFAULT_CAPACITY,
  buildLease,
  buildNodeStatus,
  microTime,
  newBootID,
  nodeLabels,
  type NodeCapacity,
  type NodeStatusInput,
} from './node-status';

export interface KubeletOptions {
  client: KubeClient;
  nodeName: string;
  runtime: ContainerRuntime;
  writes: WriteQueue;
  hostIP: string;
  podCIDR?: string;
  capacity?: NodeCapacity;
  /** false: record no events (scale runs). */
  events?: boolean;
  backoffBaseMs?: number;
  now?: () => Date;
  log?: (line: string) => void;
  /** Real host facts (Docker nodes): capacity, nodeInfo, images; failures fall back to the last known. */
  hostFacts?: () => Promise<NodeStatusInput['host']>;
  /** False while the container runtime does not answer (node NotReady). */
  runtimeHealthy?: () => boolean;
  /** While the runtime is down: why, in words a user can act on (the Ready condition's message says it). */
  runtimeDownWhy?: () => string | undefined;
  /** Why the runtime's disk is full (DiskPressure True with this message), or undefined. */
  diskPressure?: () => string | undefined;
  /** SKIFF_TRACE=pod: called at each step of a pod's sync (sync begins/ends, status sent/written). */
  podTrace?: (pod: KubeObject, step: string) => void;
}

export interface PodUsage {
  namespace: string;
  name: string;
  containers: { name: string; cpuNanoCores: number; memoryBytes: number }[];
}

export interface Kubelet {
  readonly nodeName: string;
  /** Posts the node's status and creates its Lease. */
  start(): Promise<void>;
  /** Renews the Lease (and, every `statusEvery` calls, the node status heartbeat). */
  heartbeat(): void;
  /** Re-posts the node status now (the runtime went away or came back). */
  refreshNodeStatus(): void;
  /** Syncs every pod now (the runtime came back: repair what died with it). */
  resyncAll(): void;
  /** Re-posts Ready when someone else (node lifecycle) changed the node's conditions. */
  nodeChanged(node: KubeObject): void;
  podChanged(pod: KubeObject): void;
  podDeleted(pod: KubeObject): void;
  /**
   * Its Node was deleted: says so with a Warning event on the Node (NodeDeleted) and writes nothing
   * more for it. Upstream's kubelet registers its Node only when it starts; re-creating it here
   * would undo `kubectl delete node`.
   */
  nodeDeleted(node: KubeObject, message: string): Promise<void>;
  /** A stopped kubelet is a dead machine: no heartbeats, no pod work, no status writes. */
  setStopped(stopped: boolean): void;
  isStopped(): boolean;
  /** Usage of this node's pods (the last known figures when the runtime answers asynchronously). */
  podUsage(): PodUsage[];
  stop(): void;
}

interface Worker {
  pod: KubeObject;
  busy: boolean;
  again: boolean;
  timer?: NodeJS.Timeout;
  timerAt?: number;
  /** Digest of the last status written, so an unchanged rebuild writes nothing. */
  written?: string;
}

const digestOf = (v: unknown) =>
  createHash('sha1')
    .update(JSON.stringify(v) ?? '')
    .digest('base64');

const STATUS_EVERY = 30; // heartbeats (~10 s each) between node status refreshes: ~5 min, like kubelet

export function createKubelet(o: KubeletOptions): Kubelet {
  const now = o.now ?? (() => new Date());
  const log = o.log ?? (() => {});
  const name = o.nodeName;
  const capacity = o.capacity ?? DEFAULT_CAPACITY;
  const bootID = newBootID();
  const workers = new Map<string, Worker>(); // by pod uid
  let recorder: EventRecorder | undefined;
  let stopped = false;
  let closed = false;
  let gone = false; // the Node was deleted
  let beats = 0;
  let node: KubeObject | undefined;
  let host: NodeStatusInput['host'];

  const events = () => (recorder ??= createEventRecorder({ client: o.client, component: 'kubelet', host: name, now, log }));

  const podSync = createPodSync({
    runtime: o.runtime,
    hostIP: o.hostIP,
    podCIDR: o.podCIDR,
    now,
    backoffBaseMs: o.backoffBaseMs ?? 10_000,
    event: (pod, type, reason, message, series) => {
      if (o.events !== false && !stopped) events().event(pod, type, reason, message, series);
    },
    writeStatus(pod, built) {
      const w = workers.get(pod.metadata.uid!);
      if (!w || stopped) return;
      const status = keepStored(built, w.pod.status as StoredStatus | undefined);
      // Digests, not JSON: 30,000 kept status strings would cost ~50 MB.
      const digest = digestOf(status);
      if (digest === w.written || digest === digestOf(w.pod.status)) return;
      w.written = digest;
      const { namespace, uid } = pod.metadata;
      const phase = (status as { phase?: string }).phase;
      o.podTrace?.(pod, `status queued (${phase})`);
      o.writes.enqueue(`pod/${uid}`, async () => {
        if (stopped || workers.get(uid!) !== w) return;
        try {
          await o.client.patch(
            R.pods,
            namespace,
            pod.metadata.name!,
            'json',
            [
              { op: 'test', path: '/metadata/uid', value: uid },
              { op: 'add', path: '/status', value: status },
            ],
            { subresource: 'status' },
          );
          o.podTrace?.(pod, `status written (${phase})`);
        } catch (e) {
          w.written = undefined;
          if (!isStatus(e, 404) && !isStatus(e, 422) && !isStatus(e, 409)) throw e;
        }
      });
    },
    async deletePod(pod) {
      try {
        await o.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, {
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata.uid },
        });
      } catch (e) {
        if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
      }
    },
    resyncAfter(pod, ms) {
      // One timer per pod, for the earliest wake-up; that sync asks again for later ones.
      const w = workers.get(pod.metadata.uid!);
      if (!w) return;
      const at = Date.now() + ms;
      if (w.timer && w.timerAt! <= at) return;
      if (w.timer) clearTimeout(w.timer);
      w.timerAt = at;
      w.timer = setTimeout(() => {
        w.timer = undefined;
        kick(pod.metadata.uid!);
      }, ms);
    },
  });

  function kick(uid: string) {
    const w = workers.get(uid);
    if (!w || stopped || closed) return;
    // While the runtime does not answer, syncs could only fail; resyncAll catches up when it returns.
    if (o.runtimeHealthy && !o.runtimeHealthy()) return;
    if (w.busy) {
      w.again = true;
      return;
    }
    w.busy = true;
    w.again = false;
    const pod = w.pod;
    o.podTrace?.(pod, 'sync begins');
    podSync
      .sync(pod)
      .catch((e) => log(`kubelet ${name}: sync ${pod.metadata.namespace}/${pod.metadata.name}: ${e.message}`))
      .finally(() => {
        o.podTrace?.(pod, 'sync ends');
        w.busy = false;
        if (w.again && workers.get(uid) === w) kick(uid);
      });
  }

  let lastUsage: PodUsage[] = [];
  function usageOf(stats: ContainerStats[]): PodUsage[] {
    const byPod = new Map<string, PodUsage>();
    for (const st of stats) {
      const pod = workers.get(st.podUid)?.pod;
      if (!pod) continue;
      let u = byPod.get(st.podUid);
      if (!u) byPod.set(st.podUid, (u = { namespace: pod.metadata.namespace!, name: pod.metadata.name!, containers: [] }));
      u.containers.push({ name: st.name, cpuNanoCores: st.cpuNanoCores, memoryBytes: st.memoryBytes });
    }
    return [...byPod.values()];
  }

  const unsubscribe = o.runtime.onChange((uid, notice) => {
    const pod = workers.get(uid)?.pod;
    if (notice && pod && o.events !== false && !stopped) events().event(pod, notice.type, notice.reason, notice.message);
    if (notice?.removed) podSync.resetBackoff(uid);
    kick(uid);
  });

  /** `register`: create the Node when missing (only when the kubelet starts, as upstream registers). */
  async function postNodeStatus(register = false) {
    if (gone) return;
    let cur: KubeObject;
    try {
      cur = await o.client.get(R.nodes, undefined, name);
    } catch (e) {
      if (!isStatus(e, 404) || !register) throw e;
      cur = await o.client.create(R.nodes, undefined, {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: nodeLabels(name) },
        spec: o.podCIDR ? { podCIDR: o.podCIDR, podCIDRs: [o.podCIDR] } : {},
      });
    }
    const labels = nodeLabels(name);
    if (Object.entries(labels).some(([k, v]) => cur.metadata.labels?.[k] !== v)) {
      cur = await o.client.patch(R.nodes, undefined, name, 'merge', { metadata: { labels } });
    }
    const runtimeDown = o.runtimeHealthy ? !o.runtimeHealthy() : false;
    if (o.hostFacts && !runtimeDown)
      host =
        (await o.hostFacts().catch((e) => {
          log(`kubelet ${name}: host facts: ${e.message}`);
          return undefined;
        })) ?? host;
    const status = buildNodeStatus({
      name,
      hostIP: o.hostIP,
      capacity,
      runtimeVersion: o.runtime.version,
      bootID,
      old: cur,
      now: now(),
      host,
      runtimeDown,
      runtimeDownWhy: runtimeDown ? o.runtimeDownWhy?.() : undefined,
      diskPressure: o.diskPressure?.(),
    });
    node = await o.client.patch(R.nodes, undefined, name, 'merge', { status }, { subresource: 'status' });
    diskPressureEvent(cur, status);
  }

  // DiskPressure flipping is said as an event on the Node too (upstream's NodeHasDiskPressure /
  // NodeHasNoDiskPressure), so `kubectl get events` and the app show the warning with its words.
  function diskPressureEvent(old: KubeObject, status: { conditions?: unknown }) {
    type Cond = { type: string; status: string; message?: string };
    const find = (conds: unknown) => ((conds ?? []) as Cond[]).find((c) => c.type === 'DiskPressure');
    const was = find((old.status as { conditions?: unknown } | undefined)?.conditions);
    const now = find(status.conditions);
    if (!was || !now || was.status === now.status || o.events === false || !node) return;
    if (now.status === 'True')
      events().event(node, 'Warning', 'NodeHasDiskPressure', `Node ${name} status is now: NodeHasDiskPressure: ${now.message}`);
    else events().event(node, 'Normal', 'NodeHasNoDiskPressure', `Node ${name} status is now: NodeHasNoDiskPressure`);
  }

  function renewLease() {
    o.writes.enqueue(
      `lease/${name}`,
      async () => {
        if (stopped || closed || gone) return;
        try {
          await o.client.patch(R.leases, 'kube-node-lease', name, 'merge', { spec: { holderIdentity: name, renewTime: microTime(now()) } });
        } catch (e) {
          if (!isStatus(e, 404) || !node) throw e;
          await o.client.create(R.leases, 'kube-node-lease', buildLease(node, now()));
        }
      },
      true,
    );
  }

  return {
    nodeName: name,
    async start() {
      await postNodeStatus(true);
      renewLease();
    },
    async nodeDeleted(deleted, message) {
      gone = true;
      if (o.events === false) return;
      events().event(deleted, 'Warning', 'NodeDeleted', message);
      await events().flush();
    },
    heartbeat() {
      if (stopped || closed) return;
      renewLease();
      if (++beats % STATUS_EVERY === 0) o.writes.enqueue(`node/${name}`, postNodeStatus, true);
    },
    refreshNodeStatus() {
      if (!stopped && !closed) o.writes.enqueue(`node/${name}`, postNodeStatus, true);
    },
    resyncAll() {
      for (const uid of workers.keys()) kick(uid);
    },
    nodeChanged(n) {
      const ready = (n.status?.conditions ?? []).find((c: Condition) => c.type === 'Ready');
      // While the runtime is down our own NotReady post must not trigger another one.
      const down = o.runtimeHealthy ? !o.runtimeHealthy() : false;
      if (!stopped && !closed && !down && node && ready && ready.status !== 'True') o.writes.enqueue(`node/${name}`, postNodeStatus, true);
    },
    podChanged(pod) {
      const uid = pod.metadata.uid!;
      let w = workers.get(uid);
      if (!w) workers.set(uid, (w = { pod, busy: false, again: false }));
      else w.pod = pod;
      kick(uid);
    },
    podDeleted(pod) {
      const uid = pod.metadata.uid!;
      const w = workers.get(uid);
      if (w?.timer) clearTimeout(w.timer);
      workers.delete(uid);
      podSync.forget(uid).catch((e) => log(`kubelet ${name}: cleanup ${pod.metadata.name}: ${e.message}`));
    },
    setStopped(s) {
      if (s === stopped) return;
      stopped = s;
      if (!s) {
        // Back from the dead: Ready again, fresh lease, and catch up on every pod.
        o.writes.enqueue(`node/${name}`, postNodeStatus, true);
        renewLease();
        for (const [uid, w] of workers) {
          w.written = undefined;
          kick(uid);
        }
      }
    },
    isStopped: () => stopped,
    podUsage() {
      const stats = o.runtime.stats();
      if (Array.isArray(stats)) return usageOf(stats);
      stats.then(
        (s) => {
          lastUsage = usageOf(s);
        },
        (e) => log(`kubelet ${name}: stats: ${e.message}`),
      );
      return lastUsage;
    },
    stop() {
      closed = true;
      unsubscribe();
      podSync.close();
      for (const w of workers.values()) if (w.timer) clearTimeout(w.timer);
      workers.clear();
    },
  };
}
