// StatefulSet controller: pods <set>-0..N-1 with stable identity and their own claims.
// OrderedReady creates one pod at a time (each Running and Ready before the next) and removes
// from the highest ordinal down; Parallel does both at once. RollingUpdate replaces pods from the
// highest ordinal down to the partition, one at a time; OnDelete only uses the new template for
// pods the user deleted. ControllerRevisions keep the template history.
import type { KubeObject } from '../kinds/types';
import { R, isStatus } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import { keyOf, splitKey } from '../client/informer';
import type { Controller, ControllerDeps } from './types';
import type { StatefulSetStatus } from '../apimachinery/workload-types';
import { REVISION_HASH_LABEL, syncRevisions, templateOfRevision, truncateHistory } from './controller-revision';
import { stableJson } from '../kinds/validation/validation';
import { claimObjects, ownerRefFor } from './util/controller-ref';
import { createExpectations } from './util/expectations';
import { ignoreNotFound } from './util/not-found';
import { createOwnerIndex, observe } from './util/owner-index';
import { isPodAvailable, isPodRunningAndReady, isPodTerminal } from './util/pod-predicates';
import { selectorMatches } from '../kinds/validation/validation';
import { claimName, newClaim, newStatefulPod, ordinalOf } from './statefulset-pods';
import type { PodTemplateSpec } from '../apimachinery/pod-types';

export function createStatefulSetController(deps: ControllerDeps): Controller {
  const { client, informers, events, log, now } = deps;
  const sets = informers.informer(R.statefulsets);
  const podsInf = informers.informer(R.pods);
  const claims = informers.informer(R.persistentvolumeclaims);
  const revisionsInf = informers.informer(R.controllerrevisions);
  const expectations = createExpectations(() => now().getTime());
  const queue = createWorkQueue({ sync, concurrency: 2, onError: (k, e) => log(`statefulset ${k}: ${(e as Error).message}`) });

  const pods = createOwnerIndex(podsInf, 'StatefulSet', (o, ref, change, old) => {
    const key = `${o.metadata.namespace}/${ref.name}`;
    observe(expectations, key, o, change, old);
    queue.add(key);
  });
  const revisions = createOwnerIndex(revisionsInf, 'StatefulSet');

  async function sync(key: string): Promise<void> {
    const { ns, name } = splitKey(key);
    const sts = sets.get(ns, name);
    if (!sts) {
      expectations.forget(key);
      return;
    }
    if (sts.metadata.deletionTimestamp) return; // the garbage collector removes pods and revisions
    const owned = pods.of(sts.metadata.uid).filter((p) => ordinalOf(sts, p) >= 0);
    const { update, all } = await syncRevisions(client, sts, { res: R.statefulsets, kind: 'StatefulSet' }, revisions.of(sts.metadata.uid));
    const updateRev = update.metadata.name!;
    const current = all.find((r) => r.metadata.name === sts.status?.currentRevision) ?? update;
    const currentRev = current.metadata.name!;
    if (expectations.satisfied(key))
      await manage(key, sts, owned, templateOfRevision(current) ?? (sts.spec.template as PodTemplateSpec), currentRev, updateRev);
    await writeStatus(sts, owned, currentRev, updateRev);
    const inUse = new Set([updateRev, currentRev, ...owned.map((p) => p.metadata.labels?.[REVISION_HASH_LABEL] ?? '')]);
    await truncateHistory(client, all, sts.spec.revisionHistoryLimit ?? 10, inUse);
  }

  async function ensureClaims(sts: KubeObject, ordinal: number) {
    for (const t of sts.spec.volumeClaimTemplates ?? []) {
      const n = claimName(t, sts, ordinal);
      if (claims.get(sts.metadata.namespace, n)) continue;
      try {
        await client.create(R.persistentvolumeclaims, sts.metadata.namespace, newClaim(sts, t, ordinal));
        events.event(
          sts,
          'Normal',
          'SuccessfulCreate',
          `create Claim ${n} Pod ${sts.metadata.name}-${ordinal} in StatefulSet ${sts.metadata.name} success`,
        );
      } catch (e) {
        if (!isStatus(e, 409)) throw e;
      }
    }
  }

  async function createPod(key: string, sts: KubeObject, ordinal: number, template: PodTemplateSpec, rev: string) {
    await ensureClaims(sts, ordinal);
    const pod = newStatefulPod(sts, ordinal, template, rev);
    expectations.expectCreations(key, 1);
    try {
      await client.create(R.pods, sts.metadata.namespace, pod);
    } catch (e) {
      expectations.lowerCreations(key, 1);
      if (isStatus(e, 409)) return adoptOrphan(sts, pod.metadata.name!); // or an old pod still going away
      events.event(
        sts,
        'Warning',
        'FailedCreate',
        `create Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} failed error: ${(e as Error).message}`,
      );
      throw e;
    }
    events.event(sts, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`);
  }

  /** A pod left behind by an orphaning delete of an earlier set of this name becomes ours again. */
  async function adoptOrphan(sts: KubeObject, name: string) {
    const pod = await client.get(R.pods, sts.metadata.namespace, name).catch(ignoreNotFound);
    if (!pod) return;
    const matches = (p: KubeObject) => selectorMatches(sts.spec.selector, p.metadata.labels);
    await claimObjects(
      { client, owner: sts, ownerRes: R.statefulsets, res: R.pods, matches, ref: ownerRefFor(sts, 'apps/v1', 'StatefulSet') },
      [pod],
    );
  }

  async function deletePod(key: string, sts: KubeObject, pod: KubeObject) {
    const uid = pod.metadata.uid!;
    expectations.expectDeletions(key, [uid]);
    await client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!).catch((e) => {
      expectations.deletionObserved(key, uid);
      return ignoreNotFound(e);
    });
    events.event(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`);
  }

  /** whenScaled: Delete — the condemned pod owns its claims, so they go with it. */
  async function releaseClaims(sts: KubeObject, pod: KubeObject, ordinal: number) {
    if (sts.spec.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return;
    for (const t of sts.spec.volumeClaimTemplates ?? []) {
      const c = claims.get(sts.metadata.namespace, claimName(t, sts, ordinal));
      if (!c || (c.metadata.ownerReferences ?? []).some((r) => r.uid === pod.metadata.uid)) continue;
      const refs = [
        ...(c.metadata.ownerReferences ?? []).filter((r) => r.kind !== 'StatefulSet'),
        { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, uid: pod.metadata.uid!, blockOwnerDeletion: true },
      ];
      await client
        .patch(R.persistentvolumeclaims, c.metadata.namespace, c.metadata.name!, 'merge', { metadata: { ownerReferences: refs } })
        .catch(ignoreNotFound);
    }
  }

  async function manage(
    key: string,
    sts: KubeObject,
    owned: KubeObject[],
    currentTemplate: PodTemplateSpec,
    currentRev: string,
    updateRev: string,
  ) {
    const start = sts.spec.ordinals?.start ?? 0;
    const replicas = sts.spec.replicas ?? 1;
    const ordered = sts.spec.podManagementPolicy !== 'Parallel';
    const rolling = sts.spec.updateStrategy?.type !== 'OnDelete';
    const partition = rolling ? (sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
    const slots = new Map<number, KubeObject>();
    const condemned: KubeObject[] = [];
    for (const p of owned) {
      const o = ordinalOf(sts, p);
      if (o >= start && o < start + replicas) slots.set(o, p);
      else condemned.push(p);
    }
    condemned.sort((a, b) => ordinalOf(sts, b) - ordinalOf(sts, a));

    for (let o = start; o < start + replicas; o++) {
      const pod = slots.get(o);
      if (!pod) {
        const old = rolling && o < start + partition;
        await createPod(key, sts, o, old ? currentTemplate : (sts.spec.template as PodTemplateSpec), old ? currentRev : updateRev);
        if (ordered) return;
        continue;
      }
      if (isPodTerminal(pod) && !pod.metadata.deletionTimestamp) {
        await deletePod(key, sts, pod); // recreated on a later sync
        if (ordered) return;
        continue;
      }
      if (ordered && (pod.metadata.deletionTimestamp || !isPodRunningAndReady(pod))) return;
    }

    for (const pod of condemned) {
      if (pod.metadata.deletionTimestamp) {
        if (ordered) return;
        continue;
      }
      await releaseClaims(sts, pod, ordinalOf(sts, pod));
      await deletePod(key, sts, pod);
      if (ordered) return;
    }

    if (!rolling) return;
    for (let o = start + replicas - 1; o >= start + partition; o--) {
      const pod = slots.get(o);
      if (!pod || pod.metadata.deletionTimestamp) return;
      if (pod.metadata.labels?.[REVISION_HASH_LABEL] !== updateRev) {
        await deletePod(key, sts, pod);
        return;
      }
      if (!isPodRunningAndReady(pod)) return;
    }
  }

  async function writeStatus(sts: KubeObject, owned: KubeObject[], currentRev: string, updateRev: string): Promise<void> {
    const t = now();
    const minReady = sts.spec.minReadySeconds ?? 0;
    const count = (f: (p: KubeObject) => boolean) => owned.filter(f).length;
    const status: StatefulSetStatus = {
      observedGeneration: sts.metadata.generation,
      replicas: owned.length,
      readyReplicas: count(isPodRunningAndReady),
      availableReplicas: count((p) => isPodRunningAndReady(p) && isPodAvailable(p, minReady, t)),
      currentReplicas: count((p) => p.metadata.labels?.[REVISION_HASH_LABEL] === currentRev),
      updatedReplicas: count((p) => p.metadata.labels?.[REVISION_HASH_LABEL] === updateRev),
      currentRevision: currentRev,
      updateRevision: updateRev,
      collisionCount: sts.status?.collisionCount ?? 0,
    };
    // A finished rollout makes the update revision current.
    const want = sts.spec.replicas ?? 1;
    if (status.updatedReplicas === want && status.readyReplicas === want && status.replicas === want) {
      status.currentRevision = updateRev;
      status.currentReplicas = status.updatedReplicas;
    }
    if (status.readyReplicas > status.availableReplicas) queue.addAfter(keyOf(sts), minReady * 1000);
    const old = sts.status ?? {};
    const changed = (Object.keys(status) as (keyof StatefulSetStatus)[]).some((k) => stableJson(old[k]) !== stableJson(status[k]));
    if (changed)
      await client.patch(R.statefulsets, sts.metadata.namespace, sts.metadata.name!, 'merge', { status }, { subresource: 'status' });
  }

  return {
    name: 'statefulset',
    start() {
      sets.addHandlers({
        add: (o) => queue.add(keyOf(o)),
        update: (_a, b) => queue.add(keyOf(b)),
        delete: (o) => queue.add(keyOf(o)),
      });
    },
    stop: () => queue.stop(),
  };
}
