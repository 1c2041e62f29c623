// The figures the metrics API serves (kubectl top, the HPA): each running node's pods' usage
// as its kubelet reports it, plus a fixed share for the node's own system daemons.
import type { Kubelet } from './kubelet';
import type { NodeMetrics } from './node-manager-types';

/** Usage a node reports beyond its pods (system daemons). */
const SYSTEM_CPU_NANO = 50_000_000;
const SYSTEM_MEMORY = 256 * 1024 * 1024;

export function nodeMetrics(kubelets: Iterable<[string, { kubelet: Kubelet }]>, now: Date): NodeMetrics {
  const timestamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
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
}
