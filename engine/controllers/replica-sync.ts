// One controller shape for ReplicaSets and ReplicationControllers: keep spec.replicas active
// pods matching the selector, adopting orphans and releasing pods that stop matching, and
// report status. The two kinds differ only in resource, kind and selector form.
import type { ReplicaSetStatus } from '../apimachinery/workload-types';
import type { KubeObject } from '../kinds/types';
import type { ResourceRef } from '../client/types';
import { isStatus, R } from '../client/types';
import { keyOf, splitKey } from '../client/informer';
import { createWorkQueue } from '../client/work-queue';
import type { LabelMatcher } from '../apimachinery/selectors';
import type { Controller, ControllerDeps } from './types';
import { BURST_REPLICAS, createPodControl, createPodIndex } from './pod-control';
import { claimObjects, controllerRefOf, refIsKind } from './util/controller-ref';
import { createExpectations } from './util/expectations';
import { isPodActive, msUntilAvailable } from './util/pod-predicates';
import { podFromTemplate } from './util/pod-template';
import { podsToDelete, replicaStatus, statusChanged } from './replica-pods';

/**
 * A pod change that only moves an owner's status (the pod stays an active, matching replica:
 * bound, started, Ready) resyncs the owner after a pause of STATUS_BATCH_FACTOR times what its
 * last sync's pass over its pods took, at most MAX_STATUS_BATCH_MS: a sync reads every pod of
 * the owner, so at 30,000 pods a sync per pod event would take the process. Changes that may
 * need pods created or deleted go at once. Upstream's Job and EndpointSlice controllers batch
 * pod events the same way (a fixed period there).
 */
const STATUS_BATCH_FACTOR = 10;
const MAX_STATUS_BATCH_MS = 1000;

export interface ReplicaKind {
  name: string;
  res: ResourceRef;
  apiVersion: string;
  kind: string;
  /** The owner's selector; throws on an invalid one. */
  selector(owner: KubeObject): LabelMatcher;
}

export function createReplicaController(deps: ControllerDeps, kind: ReplicaKind): Controller {
  const { client, events, log, now } = deps;
  const owners = deps.informers.informer(kind.res);
  const pods = deps.informers.informer(R.pods);
  const expectations = createExpectations(() => now().getTime());
  const podControl = createPodControl(client, events);
  let podIndex: ReturnType<typeof createPodIndex> | undefined;
  /** Per owner key: ms its last sync spent reading its pods, and its pending status resync. */
  const passMs = new Map<string, number>();
  const batched = new Map<string, NodeJS.Timeout>();
  const queue = createWorkQueue({
    sync,
    concurrency: 4,
    // Conflicts are routine (a cache behind a write): the retry is the fix, not news.
    onError: (key, err: unknown) => isStatus(err, 409) || log(`${kind.name} ${key}: ${(err as Error | undefined)?.message ?? String(err)}`),
  });

  const ownsKind = (pod: KubeObject) => refIsKind(controllerRefOf(pod), kind.apiVersion, kind.kind);

  function safeSelector(owner: KubeObject): LabelMatcher | undefined {
    try {
      return kind.selector(owner);
    } catch {
      return undefined;
    }
  }

  /** The key of the owner controlling `pod`, if it is one of ours and still in the cache. */
  function ownerKeyOf(pod: KubeObject): string | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || !ownsKind(pod)) return undefined;
    const owner = owners.get(pod.metadata.namespace, ref.name);
    return owner && owner.metadata.uid === ref.uid ? keyOf(owner) : undefined;
  }

  /** An orphan may be adopted by any owner whose selector matches it. */
  function enqueueMatching(pod: KubeObject) {
    for (const o of owners.list()) {
      if (o.metadata.namespace !== pod.metadata.namespace) continue;
      if (safeSelector(o)?.matches(pod.metadata.labels)) queue.add(keyOf(o));
    }
  }

  function podChanged(pod: KubeObject) {
    const key = ownerKeyOf(pod);
    if (key) enqueueNow(key);
    else if (!controllerRefOf(pod)) enqueueMatching(pod);
  }

  function enqueueNow(key: string) {
    const t = batched.get(key);
    if (t) clearTimeout(t);
    batched.delete(key);
    queue.add(key);
  }

  /** Throttled, not debounced: a steady stream of pod events still resyncs once per pause. */
  function enqueueStatus(key: string) {
    const wait = Math.min(MAX_STATUS_BATCH_MS, (passMs.get(key) ?? 0) * STATUS_BATCH_FACTOR);
    if (wait < 1) return queue.add(key);
    if (batched.has(key)) return;
    const t = setTimeout(() => {
      batched.delete(key);
      queue.add(key);
    }, wait);
    t.unref?.();
    batched.set(key, t);
  }

  /** The pod is an active replica of the same owner, with the same labels, before and after. */
  const statusOnly = (oldPod: KubeObject, pod: KubeObject) =>
    isPodActive(oldPod) &&
    isPodActive(pod) &&
    controllerRefOf(oldPod)?.uid === controllerRefOf(pod)?.uid &&
    JSON.stringify(oldPod.metadata.labels) === JSON.stringify(pod.metadata.labels);

  async function manageReplicas(owner: KubeObject, key: string, active: KubeObject[]): Promise<void> {
    const want = owner.spec?.replicas ?? 1;
    const diff = active.length - want;
    if (diff < 0) {
      const n = Math.min(-diff, BURST_REPLICAS);
      expectations.expectCreations(key, n);
      const r = await podControl.createPods(owner, n, () =>
        podFromTemplate(owner, (owner.spec as { template?: unknown } | undefined)?.template),
      );
      if (r.created < n) expectations.lowerCreations(key, n - r.created);
      if (r.error) throw r.error;
    } else if (diff > 0) {
      const victims = podsToDelete(active, Math.min(diff, BURST_REPLICAS));
      expectations.expectDeletions(
        key,
        victims.map((p) => p.metadata.uid!),
      );
      const results = await Promise.allSettled(victims.map((p) => podControl.deletePod(owner, p)));
      results.forEach((r, i) => {
        if (r.status === 'rejected') expectations.deletionObserved(key, victims[i].metadata.uid!);
      });
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  async function writeStatus(owner: KubeObject, status: ReplicaSetStatus): Promise<KubeObject> {
    let cur = owner;
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.update(kind.res, cur.metadata.namespace, { ...structuredClone(cur), status }, { subresource: 'status' });
      } catch (e) {
        if (!isStatus(e, 409) || attempt >= 2) throw e;
        cur = await client.get(kind.res, owner.metadata.namespace, owner.metadata.name!);
        if (!statusChanged(cur.status, status)) return cur;
      }
    }
  }

  async function sync(key: string): Promise<void> {
    const { ns, name } = splitKey(key);
    const owner = owners.get(ns, name);
    if (!owner) {
      expectations.forget(key);
      passMs.delete(key);
      return;
    }
    const selector = safeSelector(owner);
    if (!selector) return; // invalid selectors never pass validation; nothing sensible to do
    const needsSync = expectations.satisfied(key) && !owner.metadata.deletionTimestamp;
    const t0 = performance.now();
    const candidates = [...podIndex!.ownedBy(owner.metadata.uid!), ...podIndex!.orphansIn(ns)].filter(isPodActive);
    const active = await claimObjects(
      { client, owner, ownerRes: kind.res, res: R.pods, matches: (p) => selector.matches(p.metadata.labels) },
      candidates,
    );
    let pass = performance.now() - t0;
    let failure: Error | undefined;
    if (needsSync) {
      try {
        await manageReplicas(owner, key, active);
      } catch (e) {
        failure = e as Error;
      }
    }
    const t1 = performance.now();
    const status = replicaStatus(owner, active, now(), failure);
    pass += performance.now() - t1;
    passMs.set(key, pass);
    let current = owner;
    if (statusChanged(owner.status, status)) {
      try {
        current = await writeStatus(owner, status);
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
        return;
      }
    }
    if (failure) throw failure;
    // Pods that are ready but not yet available for minReadySeconds: look again when they are.
    const minReady = current.spec?.minReadySeconds ?? 0;
    if (minReady > 0) {
      const waits = active.map((p) => msUntilAvailable(p, minReady, now())).filter((ms): ms is number => ms !== undefined && ms > 0);
      if (waits.length) queue.addAfter(key, Math.min(...waits) + 50);
    }
  }

  return {
    name: kind.name,
    start() {
      // Registered first, so the index is current when the handlers below enqueue syncs.
      podIndex = createPodIndex(pods);
      owners.addHandlers({
        add: (o) => queue.add(keyOf(o)),
        // Our own status writes come back here: those resync as a pod's status change does.
        update: (a, b) =>
          JSON.stringify(a.spec) === JSON.stringify(b.spec) && a.metadata.deletionTimestamp === b.metadata.deletionTimestamp
            ? enqueueStatus(keyOf(b))
            : enqueueNow(keyOf(b)),
        delete: (o) => {
          expectations.forget(keyOf(o));
          queue.add(keyOf(o));
        },
      });
      pods.addHandlers({
        add(pod) {
          const key = ownerKeyOf(pod);
          if (key && !pod.metadata.deletionTimestamp) expectations.creationObserved(key);
          if (key && pod.metadata.deletionTimestamp) expectations.deletionObserved(key, pod.metadata.uid!);
          // One of a batch the owner created, others still to come: a sync now could only count
          // them (a pass over all its pods per pod added), so it waits as a status change does;
          // the batch's last pod syncs at once.
          if (key && !pod.metadata.deletionTimestamp && !expectations.satisfied(key)) enqueueStatus(key);
          else podChanged(pod);
        },
        update(oldPod, pod) {
          if (pod.metadata.deletionTimestamp && !oldPod.metadata.deletionTimestamp) {
            const key = ownerKeyOf(pod);
            if (key) expectations.deletionObserved(key, pod.metadata.uid!);
          }
          const oldKey = ownerKeyOf(oldPod);
          if (oldKey && oldKey !== ownerKeyOf(pod)) queue.add(oldKey);
          if (JSON.stringify(oldPod.metadata.labels) !== JSON.stringify(pod.metadata.labels)) {
            if (!controllerRefOf(oldPod)) enqueueMatching(oldPod);
          }
          const key = statusOnly(oldPod, pod) ? ownerKeyOf(pod) : undefined;
          if (key) enqueueStatus(key);
          else podChanged(pod);
        },
        delete(pod) {
          const key = ownerKeyOf(pod);
          if (key) {
            expectations.deletionObserved(key, pod.metadata.uid!);
            queue.add(key);
          }
        },
      });
    },
    stop() {
      queue.stop();
      for (const t of batched.values()) clearTimeout(t);
      batched.clear();
    },
  };
}
