// The ReplicaSet/ReplicationController pod side: pods indexed by controller (and orphans by
// namespace, for adoption), slow-start batched creation and deletion with events. The shared
// toolkit (references, claims, predicates, expectations) is in util/.
import type { KubeObject } from '../kinds/types';
import type { KubeClient } from '../client/types';
import type { Informer } from '../client/informer';
import { keyOf } from '../client/informer';
import { R, isStatus } from '../client/types';
import type { EventRecorder } from '../client/event-recorder';
import { controllerRefOf } from './util/controller-ref';

/** Upstream's cap on creations/deletions per sync (burstReplicas). */
export const BURST_REPLICAS = 500;

// ---- an index of pods by controller --------------------------------------------------------

export interface PodIndex {
  /** Pods whose controller reference has this uid. */
  ownedBy(uid: string): KubeObject[];
  /** Pods without a controller reference in a namespace (candidates for adoption). */
  orphansIn(namespace: string): KubeObject[];
}

/**
 * Keeps pods grouped by controller uid and orphans by namespace, so a sync looks at its own
 * pods instead of scanning every pod in the cluster (30,000 pods, hundreds of owners).
 * Call before the informer starts.
 */
export function createPodIndex(pods: Informer): PodIndex {
  const byOwner = new Map<string, Map<string, KubeObject>>();
  const orphans = new Map<string, Map<string, KubeObject>>();
  const bucketOf = (pod: KubeObject): [Map<string, Map<string, KubeObject>>, string] => {
    const ref = controllerRefOf(pod);
    return ref ? [byOwner, ref.uid] : [orphans, pod.metadata.namespace ?? ''];
  };
  const remove = (pod: KubeObject) => {
    const [map, k] = bucketOf(pod);
    const bucket = map.get(k);
    bucket?.delete(keyOf(pod));
    if (bucket && !bucket.size) map.delete(k);
  };
  const insert = (pod: KubeObject) => {
    const [map, k] = bucketOf(pod);
    let bucket = map.get(k);
    if (!bucket) map.set(k, (bucket = new Map()));
    bucket.set(keyOf(pod), pod);
  };
  pods.addHandlers({
    add: insert,
    update(oldPod, pod) {
      remove(oldPod);
      insert(pod);
    },
    delete: remove,
  });
  return {
    ownedBy: (uid) => [...(byOwner.get(uid)?.values() ?? [])],
    orphansIn: (ns) => [...(orphans.get(ns)?.values() ?? [])],
  };
}

// ---- creating and deleting pods -----------------------------------------------------------

export interface PodControl {
  /**
   * Creates `count` pods in batches of 1, 2, 4, ... (upstream's slow start): a failing batch
   * stops the rest, so a quota or admission error costs one call rather than hundreds.
   * Returns how many were created and the first error (skipped = count - created - failed).
   * `make` returns a new pod each call, sharing nothing: it is handed over to the client.
   */
  createPods(owner: KubeObject, count: number, make: () => KubeObject): Promise<{ created: number; failed: number; error?: Error }>;
  /** Deletes a pod, recording SuccessfulDelete/FailedDelete on the owner. 404 counts as done. */
  deletePod(owner: KubeObject, pod: KubeObject): Promise<void>;
}

export function createPodControl(client: KubeClient, events: EventRecorder): PodControl {
  async function createOne(owner: KubeObject, pod: KubeObject) {
    try {
      const created = await client.create(R.pods, owner.metadata.namespace, pod, { handOver: true });
      events.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (e) {
      const message = (e as Error).message;
      // A terminating namespace refuses creations: expected, not worth a warning.
      if (!(isStatus(e, 403) && /being terminated/.test(message))) {
        events.event(owner, 'Warning', 'FailedCreate', `Error creating: ${message}`);
      }
      throw e;
    }
  }

  return {
    async createPods(owner, count, make) {
      let created = 0;
      let failed = 0;
      let batch = 1;
      let remaining = count;
      while (remaining > 0) {
        const size = Math.min(batch, remaining);
        const results = await Promise.allSettled(Array.from({ length: size }, () => createOne(owner, make())));
        const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        created += size - errors.length;
        failed += errors.length;
        remaining -= size;
        if (errors.length) return { created, failed, error: errors[0].reason };
        batch *= 2;
      }
      return { created, failed };
    },

    async deletePod(owner, pod) {
      try {
        await client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
        events.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      } catch (e) {
        if (isStatus(e, 404) || isStatus(e, 409)) return; // already gone (or replaced by a new pod of that name)
        events.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
        throw e;
      }
    },
  };
}
