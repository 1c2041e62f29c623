// Resource arithmetic for scheduling: what a pod requests and what a node can hold, as plain
// numbers (cpu in millicores, the rest in bytes/units) so filters compare without parsing.
import type { KubeObject } from '../kinds/types';
import { parseQuantity } from '../apimachinery/quantity';
import type { Container } from '../apimachinery/pod-types';

/** Requested or allocatable amounts by resource name; cpu is in millicores. */
export type Resources = Record<string, number>;

const amount = (name: string, q: unknown) => {
  const v = parseQuantity(q) ?? 0;
  // Millicores keep cpu integral, as the scheduler's MilliValue does.
  return name === 'cpu' ? Math.ceil(v * 1000) : v;
};

function containerRequests(c: Container | undefined): Resources {
  const out: Resources = {};
  for (const [k, v] of Object.entries(c?.resources?.requests ?? {})) out[k] = amount(k, v);
  return out;
}

/**
 * A pod's effective requests: the sum over app containers (and restartable "sidecar" init
 * containers), or the largest single init container when that is bigger, plus pod overhead.
 */
export function podRequests(pod: KubeObject): Resources {
  const spec = pod.spec ?? {};
  const total: Resources = {};
  for (const c of (spec.containers ?? []) as Container[]) addTo(total, containerRequests(c));
  let sidecars: Resources = {};
  const initMax: Resources = {};
  for (const c of (spec.initContainers ?? []) as Container[]) {
    const r = containerRequests(c);
    if (c.restartPolicy === 'Always') {
      // Sidecars keep running: they add to everything after them.
      sidecars = { ...sidecars };
      addTo(sidecars, r);
      continue;
    }
    for (const [k, v] of Object.entries(r)) initMax[k] = Math.max(initMax[k] ?? 0, v + (sidecars[k] ?? 0));
  }
  addTo(total, sidecars);
  for (const [k, v] of Object.entries(initMax)) total[k] = Math.max(total[k] ?? 0, v);
  for (const [k, v] of Object.entries(spec.overhead ?? {})) total[k] = (total[k] ?? 0) + amount(k, v);
  return total;
}

export function addTo(into: Resources, r: Resources, sign = 1): void {
  for (const [k, v] of Object.entries(r)) into[k] = (into[k] ?? 0) + sign * v;
}

/** A node's allocatable (falling back to capacity), cpu in millicores, pods as a count. */
export function nodeAllocatable(node: KubeObject): Resources {
  const src = node.status?.allocatable ?? node.status?.capacity ?? {};
  const out: Resources = {};
  for (const [k, v] of Object.entries(src)) out[k] = amount(k, v);
  return out;
}

/** Host ports a pod asks for, as "protocol/ip/port" keys (ip 0.0.0.0 when unset). */
export function podHostPorts(pod: KubeObject): { protocol: string; ip: string; port: number }[] {
  const out: { protocol: string; ip: string; port: number }[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ protocol: p.protocol ?? 'TCP', ip: p.hostIP || '0.0.0.0', port: p.hostPort });
    }
  }
  return out;
}
