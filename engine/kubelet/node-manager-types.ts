// What the node manager takes and gives: its options (shared watches, per-node clients, Docker
// settings, a joined machine's one node) and the handle a cluster holds to stop it and read metrics.
import type { KubeClient } from '../client/types';
import type { NodeStreamsRegistry } from '../client/node-streams';
import type { KubeletOptions } from './kubelet';
import type { HostFacts } from './docker/node-info';
import type { NodeCapacity } from './node-status';
import type { DockerRuntimeOptions } from './docker/docker-runtime';

export interface NodeManagerOptions {
  /** The manager's shared watches of Nodes and bound Pods (and each kubelet's, without `clientFor`). */
  client: KubeClient;
  /** The client each node's kubelet acts through (its own identity, system:node:<name>). */
  clientFor?: (nodeName: string) => KubeClient;
  log?: (line: string) => void;
  now?: () => Date;
  simulated?: { startDelayMs?: number; completeAfterMs?: number; backoffBaseMs?: number };
  capacity?: NodeCapacity;
  /** Lease renewal period (default 10 s). */
  leaseIntervalMs?: number;
  /** false: kubelets record no events (scale runs). */
  events?: boolean;
  /** Status/lease writes in flight at once across all kubelets (default 32). */
  writeConcurrency?: number;
  /** Where kubelets register their node's streams (the API core's registry). */
  nodeStreams?: NodeStreamsRegistry;
  /** Times each phase of the start (SKIFF_TRACE=start); absent: nothing is timed. */
  trace?: <T>(phase: string, work: () => Promise<T>) => Promise<T>;
  /** Each step of each pod's sync (SKIFF_TRACE=pod); absent: nothing is traced. */
  podTrace?: KubeletOptions['podTrace'];
  /**
   * The Docker host's facts, read ahead (the control plane starts when it first sees Docker,
   * before the network agent's start keeps the engine busy): each Docker node's first status
   * uses them instead of asking again; undefined inside: ask.
   */
  hostFacts?: Promise<HostFacts | undefined>;
  /**
   * Several control-plane instances share the cluster: run only the nodes annotated with this
   * instance (claiming unowned ones first, see node-owner.ts). Absent: run every node.
   */
  owner?: string;
  /** Settings for nodes annotated `skiff.dev/node-runtime: docker`. */
  docker?: Pick<
    DockerRuntimeOptions,
    'cluster' | 'dataDir' | 'sandboxImage' | 'subnet' | 'caCert' | 'docker' | 'token' | 'signingKeyChangedAt' | 'network'
  >;
  /** A node agent on a joined machine: run only this node, Docker-backed, whatever its annotation,
   *  watching only its own Node and pods (as a kubelet does, which its node credentials allow). */
  only?: { nodeName: string; hostIP: string };
  /**
   * A node this manager ran was deleted from the API (kubectl delete node): its kubelet has removed
   * the containers of every pod it ran (`pods` of them) and stopped.
   */
  onNodeDeleted?(name: string, removed: { pods: number }): void;
  /** Hands joined machines' nodes their podCIDR (upstream's node IPAM, a controller-manager job:
   *  the node manager's own identity may not patch other nodes). Absent: `client`. */
  ipamClient?: KubeClient;
}

export interface NodeMetrics {
  nodes: { name: string; cpuNanoCores: number; memoryBytes: number; timestamp: string }[];
  pods: {
    namespace: string;
    name: string;
    containers: { name: string; cpuNanoCores: number; memoryBytes: number }[];
    timestamp: string;
    /** Set for figures another machine's node agent reported: shown only while the pod is bound to that node. */
    node?: string;
  }[];
}

export interface NodeManager {
  stop(): void;
  /** Names of nodes with a running kubelet. */
  kubelets(): string[];
  metrics(): NodeMetrics;
  /** Resolves when no status or lease write is pending (tests). */
  idle(): Promise<void>;
}
