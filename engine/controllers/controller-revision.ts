// Helpers the StatefulSet, DaemonSet and Job controllers share: template hashes and
// ControllerRevision history (what `kubectl rollout history|undo` reads for sts/ds), pods built
// from a template with a controller ownerReference, and pod state predicates.
import type { KubeObject, OwnerReference } from '../kinds/types';
import type { KubeClient } from '../client/types';
import { R, isStatus } from '../client/types';
import type { Informer } from '../client/informer';

type Obj = Record<string, any>;

export const REVISION_HASH_LABEL = 'controller-revision-hash';

/** FNV-1a 32-bit: the hash family Kubernetes uses for template hashes. */
function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A DNS-safe short hash of anything JSON-able (decimal digits mapped onto an alphabet without vowels). */
export function safeHash(value: unknown, collisionCount = 0): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const digits = String(fnv32a(stableJson(value) + (collisionCount ? `#${collisionCount}` : '')));
  return [...digits].map((c) => alphabet[c.charCodeAt(0) % alphabet.length]).join('');
}

/** JSON with sorted keys, so equal objects hash equally whatever their key order. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Obj)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Obj)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export const ownerRef = (owner: KubeObject, kind: string, apiVersion = 'apps/v1'): OwnerReference => ({
  apiVersion,
  kind,
  name: owner.metadata.name!,
  uid: owner.metadata.uid!,
  controller: true,
  blockOwnerDeletion: true,
});

export const controllerOfAny = (obj: KubeObject): OwnerReference | undefined =>
  (obj.metadata.ownerReferences ?? []).find((r) => r.controller);

export const isOwnedBy = (obj: KubeObject, owner: KubeObject) => controllerOfAny(obj)?.uid === owner.metadata.uid;

/** A pod object from a template, owned by `owner`. */
export function podFromTemplate(owner: KubeObject, kind: string, template: Obj, apiVersion = 'apps/v1'): KubeObject {
  const t = structuredClone(template ?? {});
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: owner.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}) },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      ...(t.metadata?.finalizers ? { finalizers: [...t.metadata.finalizers] } : {}),
      ownerReferences: [ownerRef(owner, kind, apiVersion)],
    },
    spec: t.spec ?? {},
  };
}

export const isTerminal = (pod: KubeObject) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
export const isActive = (pod: KubeObject) => !isTerminal(pod) && !pod.metadata.deletionTimestamp;

function readyCondition(pod: KubeObject): Obj | undefined {
  return (pod.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready' && c.status === 'True');
}
export const isReady = (pod: KubeObject) => pod.status?.phase === 'Running' && !!readyCondition(pod);

/** Ready for at least minReadySeconds (0: ready is enough). */
export function isAvailable(pod: KubeObject, minReadySeconds: number, now: Date): boolean {
  const c = readyCondition(pod);
  if (!isReady(pod) || !c) return false;
  if (!minReadySeconds) return true;
  const since = Date.parse(c.lastTransitionTime ?? '');
  return Number.isNaN(since) || now.getTime() - since >= minReadySeconds * 1000;
}

/** Revision data as upstream stores it: a strategic patch that replaces the pod template. */
export const revisionData = (template: Obj) => ({ spec: { template: { ...structuredClone(template), $patch: 'replace' } } });

export function templateOfRevision(rev: KubeObject): Obj | undefined {
  const t = rev.data?.spec?.template;
  if (!t) return undefined;
  const { $patch: _drop, ...rest } = t;
  return rest;
}

export interface RevisionState {
  update: KubeObject;
  /** Every revision owned by the object, oldest first (including `update`). */
  all: KubeObject[];
}

/**
 * Finds or creates the ControllerRevision for the owner's current template. A template equal to
 * an older revision (a rollback) gets that revision renumbered as the newest, as upstream does.
 */
export async function syncRevisions(client: KubeClient, owner: KubeObject, kind: string, owned: KubeObject[]): Promise<RevisionState> {
  const ns = owner.metadata.namespace!;
  const data = revisionData(owner.spec.template);
  const key = stableJson(data);
  const all = [...owned].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  const maxRev = all.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
  let update = all.find((r) => stableJson(r.data) === key);
  if (update && update.revision !== maxRev) {
    update = await client.patch(R.controllerrevisions, ns, update.metadata.name!, 'merge', { revision: maxRev + 1 });
    const i = all.findIndex((r) => r.metadata.uid === update!.metadata.uid);
    all.splice(i, 1);
    all.push(update);
  }
  if (!update) {
    const hash = safeHash(owner.spec.template, owner.status?.collisionCount ?? 0);
    const rev: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: `${owner.metadata.name}-${hash}`,
        namespace: ns,
        labels: { ...(owner.spec.selector?.matchLabels ?? {}), 'controller.kubernetes.io/hash': hash },
        ownerReferences: [ownerRef(owner, kind)],
      },
      data,
      revision: maxRev + 1,
    };
    try {
      update = await client.create(R.controllerrevisions, ns, rev);
    } catch (e) {
      if (!isStatus(e, 409)) throw e;
      const existing = await client.get(R.controllerrevisions, ns, rev.metadata.name!);
      if (stableJson(existing.data) !== key) throw e;
      if (!isOwnedBy(existing, owner)) {
        // Left by an orphaning delete of an earlier owner of this name: adopt it.
        if (controllerOfAny(existing)) throw e;
        const refs = [...(existing.metadata.ownerReferences ?? []), ownerRef(owner, kind)];
        update = await client.patch(R.controllerrevisions, ns, existing.metadata.name!, 'merge', {
          metadata: { ownerReferences: refs, resourceVersion: existing.metadata.resourceVersion },
          revision: maxRev + 1,
        });
      } else update = existing;
    }
    all.push(update);
  }
  return { update, all };
}

/** Deletes the oldest revisions beyond the history limit that no live pod uses. */
export async function truncateHistory(client: KubeClient, all: KubeObject[], limit: number, inUse: Set<string>): Promise<void> {
  const removable = all.filter((r) => !inUse.has(r.metadata.name!));
  const excess = removable.length - limit;
  for (const r of removable.slice(0, Math.max(0, excess))) {
    await client.delete(R.controllerrevisions, r.metadata.namespace, r.metadata.name!).catch((e) => {
      if (!isStatus(e, 404)) throw e;
    });
  }
}

/** Resolves an int-or-percent against a total (percent rounded up or down as asked). */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export const ignoreNotFound = (e: unknown) => {
  if (!isStatus(e, 404)) throw e;
};

/**
 * Objects of one informer grouped by their controller's uid (controllers of one kind), kept current by the informer's
 * handlers, so a sync looks up its own pods without scanning every pod in the cluster.
 */
export function createOwnerIndex(inf: Informer, ownerKind: string, onChange?: (obj: KubeObject, owner: OwnerReference) => void) {
  const byOwner = new Map<string, Map<string, KubeObject>>();
  const controllerOf = (o: KubeObject) => {
    const ref = controllerOfAny(o);
    return ref?.kind === ownerKind ? ref : undefined;
  };
  const put = (o: KubeObject) => {
    const ref = controllerOf(o);
    if (!ref) return;
    let m = byOwner.get(ref.uid);
    if (!m) byOwner.set(ref.uid, (m = new Map()));
    m.set(o.metadata.uid!, o);
  };
  const drop = (o: KubeObject) => {
    const ref = controllerOf(o);
    if (!ref) return;
    const m = byOwner.get(ref.uid);
    m?.delete(o.metadata.uid!);
    if (m && !m.size) byOwner.delete(ref.uid);
  };
  const notify = (o: KubeObject) => {
    const ref = controllerOf(o);
    if (ref) onChange?.(o, ref);
  };
  inf.addHandlers({
    add: (o) => {
      put(o);
      notify(o);
    },
    update: (a, b) => {
      drop(a);
      put(b);
      const ra = controllerOf(a);
      if (ra && ra.uid !== controllerOf(b)?.uid) notify(a);
      notify(b);
    },
    delete: (o) => {
      drop(o);
      notify(o);
    },
  });
  return { of: (uid: string | undefined): KubeObject[] => [...(byOwner.get(uid ?? '')?.values() ?? [])] };
}

/**
 * What a controller has just created or deleted but its cache does not show yet (client-go's
 * "expectations"): until the cache catches up, a sync must not create or delete again, or
 * generateName pods would be duplicated.
 */
export function createExpectations(ttlMs = 30_000) {
  const pending = new Map<string, { creates: Set<string>; deletes: Set<string>; at: number }>();
  const entry = (key: string) => {
    let e = pending.get(key);
    if (!e) pending.set(key, (e = { creates: new Set(), deletes: new Set(), at: Date.now() }));
    e.at = Date.now();
    return e;
  };
  return {
    expectCreate: (key: string, name: string) => void entry(key).creates.add(name),
    expectDelete: (key: string, uid: string) => void entry(key).deletes.add(uid),
    /** True when every expected create/delete is visible in `objs` (the owner's cached objects). */
    satisfied(key: string, objs: KubeObject[]): boolean {
      const e = pending.get(key);
      if (!e) return true;
      if (Date.now() - e.at > ttlMs) {
        pending.delete(key);
        return true;
      }
      const names = new Set(objs.map((o) => o.metadata.name));
      const live = new Map(objs.map((o) => [o.metadata.uid, o]));
      for (const n of e.creates) if (names.has(n)) e.creates.delete(n);
      for (const u of e.deletes) if (!live.has(u) || live.get(u)!.metadata.deletionTimestamp) e.deletes.delete(u);
      if (e.creates.size || e.deletes.size) return false;
      pending.delete(key);
      return true;
    },
    forget: (key: string) => void pending.delete(key),
  };
}
