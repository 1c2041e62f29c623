// Pure helpers of the Deployment controller: template hash, revision annotations, surge and
// unavailability fenceposts, ReplicaSet sums and orders. Mirrors upstream's deployment util.
import type { KubeObject } from '../kinds/types';

export const HASH_LABEL = 'pod-template-hash';
export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const ROLLBACK_TO = 'deprecated.deployment.rollback.to';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Deployment annotations that are not copied to its ReplicaSets (kubectl skips the same on undo). */
const SKIPPED_ANNOTATIONS = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO]);
const MAX_REVISION_HISTORY_CHARS = 2000;

// ---- hashing ------------------------------------------------------------------------------

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function fnv32a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The pod-template-hash: FNV-32a over the template (key order independent), plus the
 * collision count when set, encoded like upstream (decimal digits mapped to a vowel-free
 * alphabet so a hash never spells words). Same template, same hash.
 */
export function templateHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonical(template ?? {})));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return [...String(h)].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

/** Templates equal once the pod-template-hash label is ignored (how a Deployment finds its new RS). */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  const strip = (t: unknown) => {
    const c = structuredClone(t ?? {}) as { metadata?: { labels?: Record<string, string> } };
    if (c.metadata?.labels) {
      delete c.metadata.labels[HASH_LABEL];
      if (!Object.keys(c.metadata.labels).length) delete c.metadata.labels;
    }
    if (c.metadata && !Object.keys(c.metadata).length) delete c.metadata;
    return canonical(c);
  };
  return strip(a) === strip(b);
}

// ---- replica arithmetic ---------------------------------------------------------------------

export const specReplicas = (o: KubeObject | undefined): number => o?.spec?.replicas ?? 0;
export const sumSpec = (rss: KubeObject[]) => rss.reduce((n, rs) => n + specReplicas(rs), 0);
export const sumStatus = (rss: KubeObject[], field: string) => rss.reduce((n, rs) => n + (rs.status?.[field] ?? 0), 0);
export const activeReplicaSets = (rss: KubeObject[]) => rss.filter((rs) => specReplicas(rs) > 0);

function intOrPercent(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v ?? 0));
  if (!m) return Number(v) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

const isRolling = (d: KubeObject) => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** maxSurge rounds up, maxUnavailable down; both zero means one may be unavailable. */
export function fenceposts(d: KubeObject): { surge: number; unavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const replicas = specReplicas(d);
  const surge = intOrPercent(ru.maxSurge ?? '25%', replicas, true);
  let unavailable = intOrPercent(ru.maxUnavailable ?? '25%', replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: KubeObject): number {
  return isRolling(d) ? fenceposts(d).surge : 0;
}

export function maxUnavailable(d: KubeObject): number {
  const replicas = specReplicas(d);
  if (!isRolling(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas);
}

/** Replicas the new ReplicaSet should have now (upstream NewRSNewReplicas). */
export function newRSReplicas(d: KubeObject, allRSs: KubeObject[], newRS: KubeObject | undefined): number {
  if (!isRolling(d)) return specReplicas(d);
  const current = specReplicas(newRS);
  const maxTotal = specReplicas(d) + maxSurge(d);
  const total = sumSpec(allRSs);
  if (total >= maxTotal) return current;
  return current + Math.min(maxTotal - total, specReplicas(d) - current);
}

// ---- annotations ------------------------------------------------------------------------------

export function revisionOf(o: KubeObject | undefined): number {
  const v = Number(o?.metadata.annotations?.[REVISION] ?? 0);
  return Number.isFinite(v) ? v : 0;
}

export const maxRevision = (rss: KubeObject[]) => rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);

/** Sets desired/max replica annotations; true if anything changed. */
export function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  if (a[DESIRED_REPLICAS] === String(desired) && a[MAX_REPLICAS] === String(max)) return false;
  a[DESIRED_REPLICAS] = String(desired);
  a[MAX_REPLICAS] = String(max);
  return true;
}

export function replicasAnnotationsNeedUpdate(rs: KubeObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

export function annotationNumber(rs: KubeObject, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

/**
 * Copies the Deployment's annotations onto the new RS and raises its revision (keeping the
 * old one in revision-history, which is how a rollback back to it stays visible). True if changed.
 */
export function setNewRSAnnotations(d: KubeObject, rs: KubeObject, newRevision: number, exists: boolean): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIPPED_ANNOTATIONS.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const oldRevision = a[REVISION];
  const oldNum = Number(oldRevision ?? 0) || 0;
  if (oldNum < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    if (oldRevision) {
      const history = (a[REVISION_HISTORY] ?? '').split(',').filter(Boolean);
      history.push(oldRevision);
      while (history.length > 1 && history.join(',').length > MAX_REVISION_HISTORY_CHARS) history.shift();
      a[REVISION_HISTORY] = history.join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, specReplicas(d), specReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

// ---- orders ----------------------------------------------------------------------------------

const created = (o: KubeObject) => Date.parse(o.metadata.creationTimestamp ?? '') || 0;

/** Oldest first, name breaking ties. */
export function byCreation(a: KubeObject, b: KubeObject): number {
  return created(a) - created(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** Larger first; on ties newer first (newer: true) or older first. */
export function bySize(newer: boolean) {
  return (a: KubeObject, b: KubeObject) => {
    if (specReplicas(a) !== specReplicas(b)) return specReplicas(b) - specReplicas(a);
    return newer ? -byCreation(a, b) : byCreation(a, b);
  };
}

export function byRevision(a: KubeObject, b: KubeObject): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}
