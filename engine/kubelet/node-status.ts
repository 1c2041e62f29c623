// What a kubelet posts about its node: capacity, conditions, addresses, nodeInfo; and its Lease.
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../kinds/types';
import { rfc3339 } from './pod-status';
import type { Condition } from '../apimachinery/workload-types';

export interface NodeCapacity {
  cpu: string;
  memory: string;
  pods: string;
  'ephemeral-storage'?: string;
}

/** A laptop-sized node. */
export const DEFAULT_CAPACITY: NodeCapacity = { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' };

export const KUBELET_VERSION = 'v1.33.0';

export const goArch = (arch: string = process.arch) =>
  (({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' }) as Record<string, string>)[arch] ?? arch;

/** Labels every kubelet puts on its node. */
export function nodeLabels(name: string): Record<string, string> {
  return {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': goArch(),
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': goArch(),
  };
}

const CONDITIONS: [type: string, ok: string, reason: string, message: string][] = [
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

export interface NodeStatusInput {
  name: string;
  hostIP: string;
  capacity: NodeCapacity;
  runtimeVersion: string;
  /** Stable per kubelet process (a new boot ID tells the control plane the node rebooted). */
  bootID: string;
  old?: KubeObject;
  now: Date;
  /** Facts read from a real host (Docker nodes); they replace the simulated defaults. */
  host?: { capacity: NodeCapacity; nodeInfo: Record<string, string>; images: { names: string[]; sizeBytes: number }[] };
  /** The container runtime does not answer: the node is NotReady until it does. */
  runtimeDown?: boolean;
  /** Why the runtime is down (e.g. "Docker is not running: no socket at …"), appended to the Ready message. */
  runtimeDownWhy?: string;
  /** The runtime's disk is full: DiskPressure True, with this message. */
  diskPressure?: string;
}

const RUNTIME_DOWN: [string, string, string, string] = ['Ready', 'False', 'KubeletNotReady', 'container runtime is down'];

export const newBootID = () => {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

export function buildNodeStatus(i: NodeStatusInput) {
  const t = rfc3339(i.now);
  const oldConds: Condition[] = i.old?.status?.conditions ?? [];
  const table = CONDITIONS.map((c): [string, string, string, string] => {
    if (c[0] === 'Ready' && i.runtimeDown)
      return i.runtimeDownWhy
        ? ([...RUNTIME_DOWN.slice(0, 3), `${RUNTIME_DOWN[3]}: ${i.runtimeDownWhy}`] as typeof RUNTIME_DOWN)
        : RUNTIME_DOWN;
    if (c[0] === 'DiskPressure' && i.diskPressure) return ['DiskPressure', 'True', 'KubeletHasDiskPressure', i.diskPressure];
    return c;
  });
  const conditions = table.map(([type, status, reason, message]) => {
    const prev = oldConds.find((c) => c.type === type);
    return {
      type,
      status,
      lastHeartbeatTime: t,
      lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : t,
      reason,
      message,
    };
  });
  const machineID = i.name
    .padEnd(32, '0')
    .replace(/[^0-9a-f]/g, '0')
    .slice(0, 32);
  const capacity = i.host?.capacity ?? i.capacity;
  return {
    capacity: { ...capacity },
    allocatable: { ...capacity },
    conditions,
    addresses: [
      { type: 'InternalIP', address: i.hostIP },
      { type: 'Hostname', address: i.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID,
      systemUUID: machineID,
      bootID: i.bootID,
      kernelVersion: '6.1.0-skiff',
      osImage: 'Skiff simulated node',
      containerRuntimeVersion: i.runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: goArch(),
      ...i.host?.nodeInfo,
    },
    ...(i.host ? { images: i.host.images } : {}),
  };
}

/** MicroTime, as Lease renewTime uses it. */
export const microTime = (d: Date) => d.toISOString().replace(/Z$/, '000Z');

export function buildLease(node: KubeObject, now: Date): KubeObject {
  const name = node.metadata.name!;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: 'kube-node-lease',
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid! }],
    },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(now) },
  };
}
