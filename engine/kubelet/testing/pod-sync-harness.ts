// One pod synced by a real pod-sync over a runtime the test chooses (often the simulated one
// with a failing step): the events, retries and last status written, as a kubelet would see them.
import type { KubeObject } from '../../kinds/types';
import { createPodSync } from '../pod-sync';
import type { ContainerRuntime } from '../runtime';

export type HarnessStatus = {
  phase: string;
  conditions: { type: string; status: string; reason?: string; message?: string }[];
  containerStatuses: { state: { waiting?: { reason: string; message?: string } } }[];
};

export interface PodSyncHarness {
  pod: KubeObject;
  /** "<type> <reason> <message>", in order. */
  events: string[];
  /** Each back-off the sync asked for, in ms. */
  retries: number[];
  status(): HarnessStatus;
  condition(type: string): HarnessStatus['conditions'][number] | undefined;
  /** Syncs `times` times, feeding each written status back into the pod (as the API would). */
  sync(times?: number): Promise<void>;
  close(): void;
}

/** A one-container pod `p` (busybox, restartPolicy Always), synced over `runtime`. */
export function createPodSyncHarness(runtime: ContainerRuntime, backoffBaseMs = 1000): PodSyncHarness {
  const events: string[] = [];
  const retries: number[] = [];
  let status = {} as HarnessStatus;
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u1' },
    spec: { nodeName: 'n', restartPolicy: 'Always', containers: [{ name: 'app', image: 'busybox' }] },
  };
  const sync = createPodSync({
    runtime,
    hostIP: '10.0.0.1',
    now: () => new Date(),
    backoffBaseMs,
    event: (_p, type, reason, message) => events.push(`${type} ${reason} ${message}`),
    writeStatus: (_p, s) => (status = s as HarnessStatus),
    deletePod: async () => {},
    resyncAfter: (_p, ms) => retries.push(ms),
  });
  return {
    pod,
    events,
    retries,
    status: () => status,
    condition: (type) => status.conditions?.find((c) => c.type === type),
    async sync(times = 1) {
      for (let i = 0; i < times; i++) {
        await sync.sync(pod);
        pod.status = status;
      }
    },
    close: () => sync.close(),
  };
}
