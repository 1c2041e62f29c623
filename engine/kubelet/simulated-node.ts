// The Node object of a simulated node, shared by the node manager and `skiff node add`, and the
// cluster start's creation of its first nodes.
import type { KubeObject } from '../kinds/types';
import type { KubeClient } from '../client/types';
import { R, isStatus } from '../client/types';
import { nodeLabels } from './node-status';
import { podCIDRFor } from './pod-cidr';

export const NODE_RUNTIME_ANNOTATION = 'skiff.dev/node-runtime';
/** "true": the node's kubelet acts dead (no heartbeats, no pod updates) until removed. */
export const NODE_STOPPED_ANNOTATION = 'skiff.dev/node-stopped';

/** A simulated Node object; `index` picks its pod CIDR. */
export function simulatedNode(
  name: string,
  index: number,
  controlPlane = false,
  runtime: 'simulated' | 'docker' = 'simulated',
): KubeObject {
  const cidr = podCIDRFor(index);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { ...nodeLabels(name), ...(controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}) },
      annotations: { [NODE_RUNTIME_ANNOTATION]: runtime, 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: cidr, podCIDRs: [cidr] },
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
