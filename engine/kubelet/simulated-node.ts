// The Node object of a simulated node, shared by the node manager and `skiff node add`.
import type { KubeObject } from '../kinds/types';
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
