// kubectl top for joined machines: each node agent's usage figures (its kubelet's Docker stats,
// `GET /metrics/usage` on its mutual-TLS endpoint) scraped every few seconds, as metrics-server
// scrapes kubelets, and merged with this machine's for metrics.k8s.io. A node speaks only for
// itself: its entry is kept under its own name, and its pods are tagged with it so the metrics
// API shows them only while the pod is bound there (apiserver/metrics-api.ts).
import { callNodeAgent, type RemoteNodeOptions } from '../client/remote-node-streams';
import type { NodeMetrics } from '../kubelet/index';
import type { RemoteNodeFollower } from './remote-nodes';

export interface RemoteNodeUsage extends RemoteNodeFollower {
  /** The last figures of every joined node that answered its latest scrape. */
  usage(): NodeMetrics;
  stop(): void;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** What an agent answered, reduced to its own node and well-formed numbers. */
export function usageOfAgent(node: string, body: unknown): NodeMetrics {
  const b = (body ?? {}) as { nodes?: unknown; pods?: unknown };
  const nodes = (Array.isArray(b.nodes) ? (b.nodes as Record<string, unknown>[]) : [])
    .filter((n) => n?.name === node)
    .map((n) => ({ name: node, cpuNanoCores: num(n.cpuNanoCores), memoryBytes: num(n.memoryBytes), timestamp: str(n.timestamp) }));
  const pods = (Array.isArray(b.pods) ? (b.pods as Record<string, unknown>[]) : [])
    .filter((p) => str(p?.namespace) && str(p?.name))
    .map((p) => ({
      namespace: str(p.namespace),
      name: str(p.name),
      node,
      timestamp: str(p.timestamp),
      containers: (Array.isArray(p.containers) ? (p.containers as Record<string, unknown>[]) : []).map((c) => ({
        name: str(c?.name),
        cpuNanoCores: num(c?.cpuNanoCores),
        memoryBytes: num(c?.memoryBytes),
      })),
    }));
  return { nodes, pods };
}

/** This machine's figures and the joined nodes' (a name this machine runs is its own). */
export function mergeUsage(local: NodeMetrics, remote: NodeMetrics): NodeMetrics {
  if (!remote.nodes.length && !remote.pods.length) return local;
  const own = new Set(local.nodes.map((n) => n.name));
  return {
    nodes: [...local.nodes, ...remote.nodes.filter((n) => !own.has(n.name))],
    pods: [...local.pods, ...remote.pods],
  };
}

export function startRemoteNodeUsage(o: { log: (line: string) => void; intervalMs?: number }): RemoteNodeUsage {
  const agents = new Map<string, RemoteNodeOptions>();
  const last = new Map<string, NodeMetrics>();
  const failing = new Set<string>(); // told once until it answers again

  async function scrape(node: string) {
    const agent = agents.get(node);
    if (!agent) return;
    try {
      const got = usageOfAgent(node, await callNodeAgent(agent, 'GET', '/metrics/usage'));
      if (agents.get(node) !== agent) return;
      last.set(node, got);
      failing.delete(node);
    } catch (e) {
      last.delete(node); // a silent node reports nothing, as a dead local one
      if (!failing.has(node)) o.log(`usage of node ${node}: ${(e as Error).message}`);
      failing.add(node);
    }
  }
  const timer = setInterval(() => {
    for (const node of agents.keys()) void scrape(node);
  }, o.intervalMs ?? 5000);
  timer.unref();

  return {
    set(node, agent) {
      agents.set(node, agent);
      void scrape(node);
    },
    delete(node) {
      agents.delete(node);
      last.delete(node);
      failing.delete(node);
    },
    usage() {
      const out: NodeMetrics = { nodes: [], pods: [] };
      for (const m of last.values()) {
        out.nodes.push(...m.nodes);
        out.pods.push(...m.pods);
      }
      return out;
    },
    stop: () => clearInterval(timer),
  };
}
