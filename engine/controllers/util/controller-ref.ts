// Controller references and the claim a controller makes on the objects its selector matches
// (upstream pkg/controller/controller_ref_manager.go): keep what it controls and still
// matches, release what it controls but no longer matches, adopt matching orphans — after
// re-reading itself once from the API server, so a controller being deleted (or replaced by a
// namesake) never adopts. Objects gone meanwhile (404) are skipped; a conflict (409) throws so
// the sync retries from a fresh cache.
import type { KubeObject, OwnerReference } from '../../kinds/types';
import type { KubeClient, ResourceRef } from '../../client/types';
import { ignoreNotFound } from './not-found';

export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** A controller reference to `owner` (its apiVersion and kind unless given). */
export function ownerRefFor(owner: KubeObject, apiVersion = owner.apiVersion!, kind = owner.kind!): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** Whether `ref` points at a kind (apiVersion's group only: apps/v1 and apps/v1beta2 are one kind). */
export function refIsKind(ref: OwnerReference | undefined, apiVersion: string, kind: string): boolean {
  if (!ref || ref.kind !== kind) return false;
  const group = (v: string) => (v.includes('/') ? v.split('/')[0] : '');
  return group(ref.apiVersion) === group(apiVersion);
}

export interface ClaimOptions {
  client: KubeClient;
  /** The controller, as cached. */
  owner: KubeObject;
  /** Where to re-read the controller before adopting. */
  ownerRes: ResourceRef;
  /** The candidates' resource. */
  res: ResourceRef;
  matches(obj: KubeObject): boolean;
  /** The reference written on adoption (default: ownerRefFor(owner)). */
  ref?: OwnerReference;
}

/** The candidates this controller now controls (adopted ones as written). */
export async function claimObjects(o: ClaimOptions, candidates: KubeObject[]): Promise<KubeObject[]> {
  const uid = o.owner.metadata.uid;
  const deleting = Boolean(o.owner.metadata.deletionTimestamp);
  let canAdopt: Promise<boolean> | undefined;
  const claimed: KubeObject[] = [];
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    if (ref) {
      if (ref.uid !== uid) continue; // another controller's
      if (o.matches(obj)) claimed.push(obj);
      else if (!deleting) await writeRefs(o, obj, (refs) => refs.filter((r) => r.uid !== uid));
      continue;
    }
    if (deleting || obj.metadata.deletionTimestamp || !o.matches(obj)) continue;
    canAdopt ??= recheck(o);
    if (!(await canAdopt)) continue;
    const adopted = await writeRefs(o, obj, (refs) => [...refs, o.ref ?? ownerRefFor(o.owner)]);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

/** Upstream RecheckDeletionTimestamp: the live controller, not the cache, decides adoption. */
async function recheck(o: ClaimOptions): Promise<boolean> {
  const fresh = await o.client.get(o.ownerRes, o.owner.metadata.namespace, o.owner.metadata.name!).catch(ignoreNotFound);
  return Boolean(fresh && fresh.metadata.uid === o.owner.metadata.uid && !fresh.metadata.deletionTimestamp);
}

async function writeRefs(o: ClaimOptions, obj: KubeObject, change: (refs: OwnerReference[]) => OwnerReference[]) {
  const copy = structuredClone(obj);
  const refs = change(copy.metadata.ownerReferences ?? []);
  if (refs.length) copy.metadata.ownerReferences = refs;
  else delete copy.metadata.ownerReferences;
  return o.client.update(o.res, obj.metadata.namespace, copy).catch(ignoreNotFound);
}
