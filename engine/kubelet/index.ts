// The node manager's entry point (the cluster imports it lazily): see node-manager.ts.
export { startNodeManager } from './node-manager';
export type { NodeManager, NodeManagerOptions, NodeMetrics } from './node-manager-types';
export { NODE_RUNTIME_ANNOTATION, NODE_STOPPED_ANNOTATION, createSimulatedNodes, simulatedNode } from './simulated-node';
