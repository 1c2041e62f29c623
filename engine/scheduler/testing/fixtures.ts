// Hand-made nodes and pods for the scheduler's tests (and the benchmark).
import type { KubeObject } from '../../kinds/types';
import type { Taint } from '../../apimachinery/workload-types';
import type { PodSpec } from '../../apimachinery/pod-types';

export function makeNode(
  name: string,
  o: {
    cpu?: string;
    memory?: string;
    pods?: number;
    labels?: Record<string, string>;
    taints?: Taint[];
    unschedulable?: boolean;
    ready?: boolean;
  } = {},
): KubeObject {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: String(o.pods ?? 110), 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: {
      capacity: allocatable,
      allocatable,
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', reason: 'KubeletReady', message: 'ready' }],
    },
  };
}

export function makePod(
  name: string,
  o: {
    ns?: string;
    cpu?: string;
    memory?: string;
    labels?: Record<string, string>;
    spec?: Partial<PodSpec>;
    owner?: string;
    node?: string;
    priority?: number;
  } = {},
): KubeObject {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.ns ?? 'default',
      uid: `uid-${name}`,
      labels: o.labels ?? {},
      ...(o.owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner, uid: `uid-${o.owner}`, controller: true }] }
        : {}),
    },
    spec: {
      containers: [{ name: 'c', image: 'x', resources: Object.keys(requests).length ? { requests } : {} }],
      ...(o.node ? { nodeName: o.node } : {}),
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      ...(o.spec ?? {}),
    },
    status: { phase: 'Pending' },
  };
}
