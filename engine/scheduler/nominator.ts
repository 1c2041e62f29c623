// Pods nominated to a node by preemption: their requests are held on that node against pods of
// lower priority, so the room made by evicting victims goes to the pod that made it.
import type { Resources } from './resources';
import { addTo } from './resources';

export interface Nominator {
  set(key: string, node: string, priority: number, requests: Resources): void;
  delete(key: string): void;
  nodeOf(key: string): string | undefined;
  size(): number;
  /** Requests held on `node` for nominated pods of at least `priority`, other than `exceptKey`. */
  held(node: string, priority: number, exceptKey: string): Resources | undefined;
}

export function createNominator(): Nominator {
  const byKey = new Map<string, { node: string; priority: number; requests: Resources }>();
  const byNode = new Map<string, Set<string>>();
  return {
    set(key, node, priority, requests) {
      this.delete(key);
      byKey.set(key, { node, priority, requests });
      let s = byNode.get(node);
      if (!s) byNode.set(node, (s = new Set()));
      s.add(key);
    },
    delete(key) {
      const e = byKey.get(key);
      if (!e) return;
      byKey.delete(key);
      const s = byNode.get(e.node);
      s?.delete(key);
      if (s && !s.size) byNode.delete(e.node);
    },
    nodeOf: (key) => byKey.get(key)?.node,
    size: () => byKey.size,
    held(node, priority, exceptKey) {
      const keys = byNode.get(node);
      if (!keys) return undefined;
      let out: Resources | undefined;
      for (const k of keys) {
        const e = byKey.get(k)!;
        if (k === exceptKey || e.priority < priority) continue;
        out ??= { pods: 0 };
        addTo(out, e.requests);
        out.pods++;
      }
      return out;
    },
  };
}
