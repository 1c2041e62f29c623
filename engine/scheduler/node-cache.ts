// The scheduler's view of every node: allocatable, what bound (or assumed) pods request, used
// host ports, per-workload pod counts and pod labels. Kept up to date incrementally from pod and
// node events, so a scheduling decision never recounts the cluster.
import type { KubeObject } from '../kinds/types';
import type { Condition } from '../apimachinery/workload-types';
import { addTo, nodeAllocatable, podHostPorts, podRequests, type Resources } from './resources';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface PodInfo {
  key: string;
  pod: KubeObject;
  nodeName: string;
  requests: Resources;
  /** Requests with kube-scheduler's non-zero defaults, used only for scoring. */
  scoreRequests: Resources;
  ports: string[];
  priority: number;
  workload: string;
  assumed: boolean;
}

export interface NodeInfo {
  name: string;
  node?: KubeObject;
  labels: Record<string, string>;
  allocatable: Resources;
  /** Sum of pod requests, plus `pods` = number of pods. */
  requested: Resources;
  scoreRequested: Resources;
  pods: Map<string, PodInfo>;
  /** "protocol/ip/port" → number of pods using it. */
  ports: Map<string, number>;
  /** Workload id (see NodeCache.workloadId) → pods of it on this node. */
  workloads: Map<number, number>;
  taints: Taint[];
  unschedulable: boolean;
  /** Hot-path copies of the common amounts (monomorphic number fields beat map lookups). */
  allocCpu: number;
  allocMemory: number;
  allocPods: number;
  reqCpu: number;
  reqMemory: number;
  podCount: number;
  scoreCpu: number;
  scoreMemory: number;
}

const DEFAULT_CPU_MILLI = 100;
const DEFAULT_MEMORY = 200 * 1024 * 1024;

export const podKey = (pod: KubeObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;

/** Which workload a pod belongs to, for spreading: its controller, else its label set. */
export function workloadKey(pod: KubeObject): string {
  const owner = (pod.metadata.ownerReferences ?? []).find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (owner) return `uid:${owner.uid}`;
  const labels = pod.metadata.labels ?? {};
  const keys = Object.keys(labels).sort();
  return keys.length ? `labels:${pod.metadata.namespace}:${keys.map((k) => `${k}=${labels[k]}`).join(',')}` : '';
}

export function portKey(p: { protocol: string; ip: string; port: number }) {
  return `${p.protocol}/${p.ip}/${p.port}`;
}

function isReady(node: KubeObject): boolean {
  return (node.status?.conditions ?? []).some((c: Condition) => c.type === 'Ready' && c.status === 'True');
}

/** Node taints, plus the not-ready taint when the Ready condition is not True yet untainted. */
function effectiveTaints(node: KubeObject): Taint[] {
  const taints: Taint[] = [...(node.spec?.taints ?? [])];
  if (!isReady(node) && !taints.some((t) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoSchedule')) {
    taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
  }
  return taints;
}

export function makePodInfo(pod: KubeObject, nodeName: string, priority: number, assumed = false): PodInfo {
  const requests = podRequests(pod);
  const scoreRequests = { ...requests };
  if (!scoreRequests.cpu) scoreRequests.cpu = DEFAULT_CPU_MILLI;
  if (!scoreRequests.memory) scoreRequests.memory = DEFAULT_MEMORY;
  return {
    key: podKey(pod),
    pod,
    nodeName,
    requests,
    scoreRequests,
    ports: podHostPorts(pod).map(portKey),
    priority,
    workload: workloadKey(pod),
    assumed,
  };
}

export interface NodeCache {
  setNode(node: KubeObject): NodeInfo;
  removeNode(name: string): void;
  /** Adds or replaces a pod on its node (bound or assumed). */
  addPod(info: PodInfo): void;
  removePod(key: string): PodInfo | undefined;
  getPod(key: string): PodInfo | undefined;
  get(name: string): NodeInfo | undefined;
  /** Nodes that exist as objects, in a stable order (for round-robin search). */
  nodes(): NodeInfo[];
  /** Pods with any pod (anti-)affinity, for inter-pod affinity checks. */
  podsWithAffinity(): Iterable<PodInfo>;
  /**
   * A small integer for a workload key that has pods, or -1. Per-node counts are keyed by it:
   * hundreds of lookups per pod with a long, freshly built string key are measurably slower.
   */
  workloadId(key: string): number;
}

function emptyNode(name: string): NodeInfo {
  return {
    name,
    labels: {},
    allocatable: {},
    requested: { pods: 0 },
    scoreRequested: {},
    pods: new Map(),
    ports: new Map(),
    workloads: new Map(),
    taints: [],
    unschedulable: false,
    allocCpu: 0,
    allocMemory: 0,
    allocPods: 0,
    reqCpu: 0,
    reqMemory: 0,
    podCount: 0,
    scoreCpu: 0,
    scoreMemory: 0,
  };
}

export function createNodeCache(): NodeCache {
  const byName = new Map<string, NodeInfo>();
  const pods = new Map<string, PodInfo>();
  const withAffinity = new Map<string, PodInfo>();
  let list: NodeInfo[] | undefined;
  // Interned workload keys, reference-counted by the pods that carry them.
  const workloadIds = new Map<string, { id: number; refs: number }>();
  let nextWorkloadId = 0;
  const podWorkload = new Map<string, number>();

  function internWorkload(key: string): number {
    let e = workloadIds.get(key);
    if (!e) workloadIds.set(key, (e = { id: nextWorkloadId++, refs: 0 }));
    e.refs++;
    return e.id;
  }
  function releaseWorkload(key: string) {
    const e = workloadIds.get(key);
    if (e && --e.refs <= 0) workloadIds.delete(key);
  }

  const ensure = (name: string) => {
    let n = byName.get(name);
    if (!n) byName.set(name, (n = emptyNode(name)));
    return n;
  };

  function account(n: NodeInfo, p: PodInfo, sign: 1 | -1, wid: number) {
    addTo(n.requested, p.requests, sign);
    addTo(n.scoreRequested, p.scoreRequests, sign);
    n.requested.pods = (n.requested.pods ?? 0) + sign;
    n.reqCpu += sign * (p.requests.cpu ?? 0);
    n.reqMemory += sign * (p.requests.memory ?? 0);
    n.podCount += sign;
    n.scoreCpu += sign * p.scoreRequests.cpu;
    n.scoreMemory += sign * p.scoreRequests.memory;
    for (const k of p.ports) bump(n.ports, k, sign);
    if (wid >= 0) bump(n.workloads, wid, sign);
  }

  return {
    setNode(node) {
      const n = ensure(node.metadata.name!);
      if (!n.node) list = undefined;
      n.node = node;
      n.labels = node.metadata.labels ?? {};
      const alloc = nodeAllocatable(node);
      // Node's own allocatable.pods is a count; keep requested.pods as a count too.
      n.allocatable = alloc;
      n.allocCpu = alloc.cpu ?? 0;
      n.allocMemory = alloc.memory ?? 0;
      n.allocPods = alloc.pods ?? 0;
      n.taints = effectiveTaints(node);
      n.unschedulable = node.spec?.unschedulable === true;
      return n;
    },
    removeNode(name) {
      const n = byName.get(name);
      if (!n) return;
      list = undefined;
      if (n.pods.size === 0) byName.delete(name);
      else n.node = undefined; // keep accounting for pods still bound to it until they go
    },
    addPod(info) {
      const old = pods.get(info.key);
      if (old) this.removePod(info.key);
      const n = ensure(info.nodeName);
      n.pods.set(info.key, info);
      pods.set(info.key, info);
      const wid = info.workload ? internWorkload(info.workload) : -1;
      podWorkload.set(info.key, wid);
      account(n, info, 1, wid);
      const a = info.pod.spec?.affinity;
      if (a?.podAffinity || a?.podAntiAffinity) withAffinity.set(info.key, info);
    },
    removePod(key) {
      const p = pods.get(key);
      if (!p) return undefined;
      pods.delete(key);
      withAffinity.delete(key);
      const wid = podWorkload.get(key) ?? -1;
      podWorkload.delete(key);
      if (p.workload) releaseWorkload(p.workload);
      const n = byName.get(p.nodeName);
      if (n) {
        n.pods.delete(key);
        account(n, p, -1, wid);
        if (!n.node && n.pods.size === 0) byName.delete(n.name);
      }
      return p;
    },
    getPod: (key) => pods.get(key),
    get: (name) => byName.get(name),
    nodes() {
      list ??= [...byName.values()].filter((n) => n.node).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return list;
    },
    podsWithAffinity: () => withAffinity.values(),
    workloadId: (key) => (key ? (workloadIds.get(key)?.id ?? -1) : -1),
  };
}

function bump<K>(m: Map<K, number>, k: K, d: number) {
  const v = (m.get(k) ?? 0) + d;
  if (v <= 0) m.delete(k);
  else m.set(k, v);
}
