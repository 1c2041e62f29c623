// The Deployment's moves, as upstream makes them: rolling update (surge the new ReplicaSet,
// then scale old ones down while availability allows), recreate (old to zero, wait for their
// pods to go, then the new one up), proportional scaling of a resized Deployment mid-rollout,
// and history cleanup. Every write goes through the RolloutCtx the controller provides.
import type { KubeObject } from '../kinds/types';
import {
  activeReplicaSets,
  annotationNumber,
  byCreation,
  byRevision,
  bySize,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  maxSurge,
  maxUnavailable,
  newRSReplicas,
  specReplicas,
  sumSpec,
  sumStatus,
} from './deployment-util';

/** The Deployment's ReplicaSets; scaling replaces entries with the written objects. */
export interface RSSets {
  newRS?: KubeObject;
  oldRSs: KubeObject[];
}

export const allOf = (s: RSSets) => (s.newRS ? [...s.oldRSs, s.newRS] : [...s.oldRSs]);

export interface RolloutCtx {
  /** Sets rs to `replicas` (and refreshes its replica annotations); records ScalingReplicaSet when the size changes. */
  scale(d: KubeObject, rs: KubeObject, replicas: number): Promise<KubeObject>;
  deleteRS(rs: KubeObject): Promise<void>;
  /** Pods controlled by a ReplicaSet (from the cache). */
  podsOf(rs: KubeObject): KubeObject[];
}

function put(sets: RSSets, rs: KubeObject) {
  if (sets.newRS?.metadata.uid === rs.metadata.uid) sets.newRS = rs;
  else sets.oldRSs = sets.oldRSs.map((o) => (o.metadata.uid === rs.metadata.uid ? rs : o));
}

/** Scales when the size differs (upstream scaleReplicaSetAndRecordEvent). */
async function scaleTo(ctx: RolloutCtx, d: KubeObject, sets: RSSets, rs: KubeObject, replicas: number): Promise<boolean> {
  if (specReplicas(rs) === replicas) return false;
  put(sets, await ctx.scale(d, rs, replicas));
  return true;
}

// ---- rolling update --------------------------------------------------------------------------

/** One rolling step; true if something was scaled (status then waits for the next sync). */
export async function rollingStep(ctx: RolloutCtx, d: KubeObject, sets: RSSets): Promise<boolean> {
  const newRS = sets.newRS!;
  const want = specReplicas(d);
  if (specReplicas(newRS) > want) return scaleTo(ctx, d, sets, newRS, want);
  if (specReplicas(newRS) < want) {
    if (await scaleTo(ctx, d, sets, newRS, newRSReplicas(d, allOf(sets), newRS))) return true;
  }
  return reconcileOld(ctx, d, sets);
}

async function reconcileOld(ctx: RolloutCtx, d: KubeObject, sets: RSSets): Promise<boolean> {
  if (sumSpec(sets.oldRSs) === 0) return false;
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const newRS = sets.newRS!;
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = sumSpec(allOf(sets)) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;

  // First drop old pods that are not available anyway: losing them costs no availability.
  let cleaned = 0;
  for (const rs of [...sets.oldRSs].sort(byCreation)) {
    if (cleaned >= maxScaledDown) break;
    const unavailable = specReplicas(rs) - (rs.status?.availableReplicas ?? 0);
    if (specReplicas(rs) === 0 || unavailable <= 0) continue;
    const n = Math.min(maxScaledDown - cleaned, unavailable);
    await scaleTo(ctx, d, sets, rs, specReplicas(rs) - n);
    cleaned += n;
  }

  // Then scale old ones down as far as availability above minAvailable allows.
  let scaled = 0;
  const available = sumStatus(allOf(sets), 'availableReplicas');
  if (available > minAvailable) {
    const total = available - minAvailable;
    for (const rs of [...sets.oldRSs].sort(byCreation)) {
      if (scaled >= total) break;
      if (specReplicas(rs) === 0) continue;
      const n = Math.min(specReplicas(rs), total - scaled);
      await scaleTo(ctx, d, sets, rs, specReplicas(rs) - n);
      scaled += n;
    }
  }
  return cleaned + scaled > 0;
}

// ---- recreate --------------------------------------------------------------------------------

/** Old ReplicaSets to zero; true while that still has to happen. */
export async function recreateScaleDown(ctx: RolloutCtx, d: KubeObject, sets: RSSets): Promise<boolean> {
  let scaled = false;
  for (const rs of activeReplicaSets(sets.oldRSs)) if (await scaleTo(ctx, d, sets, rs, 0)) scaled = true;
  return scaled;
}

/** Whether pods of old ReplicaSets still exist (Recreate waits for them before scaling up). */
export function oldPodsRunning(ctx: RolloutCtx, sets: RSSets): boolean {
  if (sumStatus(sets.oldRSs, 'replicas') > 0) return true;
  return sets.oldRSs.some((rs) => ctx.podsOf(rs).some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded'));
}

export async function recreateScaleUp(ctx: RolloutCtx, d: KubeObject, sets: RSSets): Promise<void> {
  await scaleTo(ctx, d, sets, sets.newRS!, specReplicas(d));
}

// ---- scaling (resize or paused) ---------------------------------------------------------------

/** Whether the Deployment was resized since its active ReplicaSets last heard (desired-replicas annotation). */
export function isScalingEvent(d: KubeObject, sets: RSSets): boolean {
  return activeReplicaSets(allOf(sets)).some((rs) => {
    const desired = annotationNumber(rs, DESIRED_REPLICAS);
    return desired !== undefined && desired !== specReplicas(d);
  });
}

/** Upstream GetProportion: this ReplicaSet's share of a resize, bounded by what is left to give. */
function proportion(d: KubeObject, rs: KubeObject, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (specReplicas(d) === 0) fraction = -specReplicas(rs);
  else {
    const target = specReplicas(d) + maxSurge(d);
    const annotated = annotationNumber(rs, MAX_REPLICAS) ?? d.status?.replicas ?? 0;
    fraction = annotated ? Math.round((specReplicas(rs) * target) / annotated) - specReplicas(rs) : 0;
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** Resizes the Deployment's ReplicaSets; mid-rollout the change is spread proportionally. */
export async function scaleDeployment(ctx: RolloutCtx, d: KubeObject, sets: RSSets): Promise<void> {
  const all = allOf(sets);
  const active = activeReplicaSets(all);
  const want = specReplicas(d);
  // One active ReplicaSet (or none): it (or the newest) takes the whole size.
  if (active.length <= 1) {
    const target = active[0] ?? sets.newRS ?? [...sets.oldRSs].sort(byCreation).at(-1);
    if (target) await scaleTo(ctx, d, sets, target, want);
    return;
  }
  const newRS = sets.newRS;
  const saturated =
    newRS &&
    specReplicas(newRS) === want &&
    annotationNumber(newRS, DESIRED_REPLICAS) === want &&
    (newRS.status?.availableReplicas ?? 0) === want;
  if (saturated) {
    for (const rs of activeReplicaSets(sets.oldRSs)) await scaleTo(ctx, d, sets, rs, 0);
    return;
  }
  if ((d.spec?.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - sumSpec(active);
  const ordered = [...active].sort(bySize(toAdd > 0));
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of ordered) {
    const p = toAdd !== 0 ? proportion(d, rs, toAdd, added) : 0;
    sizes.set(rs.metadata.uid!, specReplicas(rs) + p);
    added += p;
  }
  for (let i = 0; i < ordered.length; i++) {
    const rs = ordered[i];
    let size = sizes.get(rs.metadata.uid!)!;
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    // ctx.scale also refreshes replica annotations when the size stays (and skips no-op writes).
    put(sets, await ctx.scale(d, rs, size));
  }
}

// ---- history ----------------------------------------------------------------------------------

/** Deletes the oldest idle ReplicaSets beyond revisionHistoryLimit. */
export async function cleanupHistory(ctx: RolloutCtx, d: KubeObject, oldRSs: KubeObject[]): Promise<void> {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null) return;
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return;
  for (const rs of [...alive].sort(byRevision).slice(0, diff)) {
    const busy =
      (rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0);
    if (!busy) await ctx.deleteRS(rs);
  }
}
