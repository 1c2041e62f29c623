// Template hashes and ControllerRevision history for StatefulSets and DaemonSets (what
// `kubectl rollout history|undo` reads for sts/ds). The shared controller toolkit is in util/.
import type { KubeObject } from '../kinds/types';
import type { KubeClient, ResourceRef } from '../client/types';
import { R, isStatus } from '../client/types';
import { claimObjects, controllerRefOf, ownerRefFor } from './util/controller-ref';
import { ignoreNotFound } from './util/not-found';
import type { PodTemplateSpec } from '../apimachinery/pod-types';
import { stableJson } from '../kinds/validation/validation';

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

/** Revision data as upstream stores it: a strategic patch that replaces the pod template. */
export const revisionData = (template: PodTemplateSpec) => ({ spec: { template: { ...structuredClone(template), $patch: 'replace' } } });

export function templateOfRevision(rev: KubeObject): PodTemplateSpec | undefined {
  const t: (PodTemplateSpec & { $patch?: string }) | undefined = rev.data?.spec?.template;
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
export async function syncRevisions(
  client: KubeClient,
  owner: KubeObject,
  owners: { res: ResourceRef; kind: string },
  owned: KubeObject[],
): Promise<RevisionState> {
  const { kind } = owners;
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
        ownerReferences: [ownerRefFor(owner, 'apps/v1', kind)],
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
      if (controllerRefOf(existing)?.uid !== owner.metadata.uid) {
        // Left by an orphaning delete of an earlier owner of this name: adopt it, then renumber.
        const ref = ownerRefFor(owner, 'apps/v1', kind);
        const [adopted] = await claimObjects(
          { client, owner, ownerRes: owners.res, res: R.controllerrevisions, matches: () => true, ref },
          [existing],
        );
        if (!adopted) throw e;
        update = await client.patch(R.controllerrevisions, ns, existing.metadata.name!, 'merge', { revision: maxRev + 1 });
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
    await client.delete(R.controllerrevisions, r.metadata.namespace, r.metadata.name!).catch(ignoreNotFound);
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
