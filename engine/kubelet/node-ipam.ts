// Pod CIDR indexes (pod-cidr.ts) for the node manager: the indexes existing nodes hold are taken,
// a node it runs without one takes the lowest free, and joined machines' nodes (run by their own
// agents) get one patched in, as upstream's node IPAM controller hands them out: their pods'
// Docker network uses it and other machines route it.
import type { KubeObject } from '../kinds/types';
import type { KubeClient } from '../client/types';
import { R } from '../client/types';
import { indexOfPodCIDR, podCIDRFor } from './pod-cidr';
import { NODE_RUNTIME_ANNOTATION } from './simulated-node';

export interface NodeIpam {
  /** The lowest index not taken (the caller takes it). */
  freeIndex(): number;
  take(index: number): void;
  /** Takes the index the node's podCIDR encodes, if any. */
  noteNode(n: KubeObject): void;
  /** Every existing node is noted: joined nodes may be given CIDRs from now on. */
  listed(): void;
  /** Gives a joined machine's node without a podCIDR the next free one. */
  allocateJoined(n: KubeObject): void;
}

export interface NodeIpamDeps {
  client: KubeClient;
  log: (line: string) => void;
  /** False on a joined machine's own agent: the control plane allocates. */
  allocates: boolean;
}

export const podCIDROf = (n: KubeObject) => (n.spec as { podCIDR?: string } | undefined)?.podCIDR;

export function createNodeIpam(deps: NodeIpamDeps): NodeIpam {
  const used = new Set<number>();
  const allocating = new Set<string>();
  let listed = false; // every existing node's CIDR is known as taken
  const freeIndex = () => {
    let i = 0;
    while (used.has(i)) i++;
    return i;
  };
  return {
    freeIndex,
    take: (index) => void used.add(index),
    noteNode(n) {
      const taken = indexOfPodCIDR(podCIDROf(n));
      if (taken !== undefined) used.add(taken);
    },
    listed: () => void (listed = true),
    allocateJoined(n) {
      const name = n.metadata.name!;
      if (!deps.allocates || !listed || podCIDROf(n) || allocating.has(name)) return;
      if (n.metadata.annotations?.[NODE_RUNTIME_ANNOTATION] !== 'joined') return;
      const index = freeIndex();
      used.add(index);
      allocating.add(name);
      const cidr = podCIDRFor(index);
      // Conditional on the version read: a concurrent allocation (another instance) wins once.
      deps.client
        .patch(R.nodes, undefined, name, 'merge', {
          metadata: { resourceVersion: n.metadata.resourceVersion },
          spec: { podCIDR: cidr, podCIDRs: [cidr] },
        })
        .then(() => deps.log(`node ${name}: podCIDR ${cidr}`))
        .catch((e: Error) => {
          used.delete(index);
          deps.log(`node ${name}: podCIDR: ${e.message}`);
        })
        .finally(() => allocating.delete(name));
    },
  };
}
