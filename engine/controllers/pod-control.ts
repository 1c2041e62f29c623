// Shared by the workload controllers: pods from a template with a controller owner reference,
// slow-start batched creation, deletion with events, and expectations (what a controller has
// asked for but not yet seen in its informer), so a lagging cache never causes double creates.
import type { KubeObject, OwnerReference } from '../kinds/types';
import type { KubeClient } from '../client/types';
import type { Informer } from '../client/informer';
import { keyOf } from '../client/informer';
import { R, isStatus } from '../client/types';
import type { EventRecorder } from '../client/event-recorder';

/** Upstream's cap on creations/deletions per sync (burstReplicas). */
export const BURST_REPLICAS = 500;
/** Expectations older than this are considered satisfied (a watch event may have been lost). */
const EXPECTATIONS_TTL_MS = 5 * 60_000;

// ---- owner references -------------------------------------------------------------------

export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

export function ownerRefFor(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether `ref` points at a kind (apiVersion's group only: apps/v1 and apps/v1beta2 are one kind). */
export function refIsKind(ref: OwnerReference | undefined, apiVersion: string, kind: string): boolean {
  if (!ref || ref.kind !== kind) return false;
  const group = (v: string) => (v.includes('/') ? v.split('/')[0] : '');
  return group(ref.apiVersion) === group(apiVersion);
}

// ---- pod predicates ---------------------------------------------------------------------

/** Counted as a replica: not finished and not being deleted (upstream IsPodActive). */
export function isPodActive(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

function readyCondition(pod: KubeObject): any {
  return (pod.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
}

export function isPodReady(pod: KubeObject): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** Ready for at least minReadySeconds. */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: Date): boolean {
  const c = readyCondition(pod);
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = Date.parse(c.lastTransitionTime ?? '');
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now.getTime();
}

/** Ms until a ready pod becomes available (0 if already, undefined if not ready). */
export function msUntilAvailable(pod: KubeObject, minReadySeconds: number, now: Date): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True') return undefined;
  const since = Date.parse(c.lastTransitionTime ?? '');
  if (!Number.isFinite(since)) return 0;
  return Math.max(0, since + minReadySeconds * 1000 - now.getTime());
}

// ---- expectations -----------------------------------------------------------------------

export interface Expectations {
  expectCreations(key: string, n: number): void;
  expectDeletions(key: string, podKeys: string[]): void;
  creationObserved(key: string): void;
  deletionObserved(key: string, podKey: string): void;
  /** Gives back creations that will never be observed (failed or skipped). */
  lowerCreations(key: string, n: number): void;
  satisfied(key: string): boolean;
  forget(key: string): void;
}

export function createExpectations(now: () => number = Date.now): Expectations {
  const map = new Map<string, { adds: number; dels: Set<string>; at: number }>();
  const entry = (key: string) => {
    let e = map.get(key);
    if (!e) map.set(key, (e = { adds: 0, dels: new Set(), at: now() }));
    return e;
  };
  return {
    expectCreations(key, n) {
      const e = entry(key);
      e.adds += n;
      e.at = now();
    },
    expectDeletions(key, podKeys) {
      const e = entry(key);
      for (const k of podKeys) e.dels.add(k);
      e.at = now();
    },
    creationObserved(key) {
      const e = map.get(key);
      if (e && e.adds > 0) e.adds--;
    },
    deletionObserved(key, podKey) {
      map.get(key)?.dels.delete(podKey);
    },
    lowerCreations(key, n) {
      const e = map.get(key);
      if (e) e.adds = Math.max(0, e.adds - n);
    },
    satisfied(key) {
      const e = map.get(key);
      if (!e) return true;
      return (e.adds <= 0 && e.dels.size === 0) || now() - e.at > EXPECTATIONS_TTL_MS;
    },
    forget(key) {
      map.delete(key);
    },
  };
}

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

/** A pod for `owner` from its template, named `<owner>-<5 random>` by the API server. */
export function podFromTemplate(owner: KubeObject, template: KubeObject | any): KubeObject {
  const meta = template?.metadata ?? {};
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata.name}-`,
      namespace: owner.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ownerReferences: [ownerRefFor(owner)],
    },
    spec: structuredClone(template?.spec ?? {}),
  };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}

export interface PodControl {
  /**
   * Creates `count` pods in batches of 1, 2, 4, ... (upstream's slow start): a failing batch
   * stops the rest, so a quota or admission error costs one call rather than hundreds.
   * Returns how many were created and the first error (skipped = count - created - failed).
   */
  createPods(owner: KubeObject, count: number, make: () => KubeObject): Promise<{ created: number; failed: number; error?: Error }>;
  /** Deletes a pod, recording SuccessfulDelete/FailedDelete on the owner. 404 counts as done. */
  deletePod(owner: KubeObject, pod: KubeObject): Promise<void>;
}

export function createPodControl(client: KubeClient, events: EventRecorder): PodControl {
  async function createOne(owner: KubeObject, pod: KubeObject) {
    try {
      const created = await client.create(R.pods, owner.metadata.namespace, pod);
      events.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (e: any) {
      // A terminating namespace refuses creations: expected, not worth a warning.
      if (!(isStatus(e, 403) && /being terminated/.test(e.message))) {
        events.event(owner, 'Warning', 'FailedCreate', `Error creating: ${e.message}`);
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
      } catch (e: any) {
        if (isStatus(e, 404) || isStatus(e, 409)) return; // already gone (or replaced by a new pod of that name)
        events.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${e.message}`);
        throw e;
      }
    },
  };
}
