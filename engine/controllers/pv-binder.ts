// PersistentVolume binder: binds each Pending claim to the smallest Available volume that fits
// (class, access modes, capacity, volume mode, selector), or asks its class's provisioner for one
// (volume.kubernetes.io/storage-provisioner); keeps phases current — PV Available/Bound/Released,
// PVC Pending/Bound/Lost — and, when a claim goes, releases its volume (reclaimPolicy Retain keeps
// it Released; Delete is carried out by the volume's provisioner).
import { splitKey } from '../client/informer';
import type { KubeObject } from '../kinds/types';
import { R, isStatus } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import { labelSelectorFromObject } from '../apimachinery/selectors';
import { parseQuantity } from '../apimachinery/quantity';
import type { Controller, ControllerDeps } from './types';

/** A PV's spec.claimRef (an ObjectReference). */
interface ClaimRef {
  namespace?: string;
  name?: string;
  uid?: string;
}

/** The PVC status fields the binder writes. */
interface ClaimStatus {
  phase: 'Pending' | 'Bound' | 'Lost';
  capacity?: Record<string, string>;
  accessModes?: string[];
}

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';

const isDefaultClass = (sc: KubeObject) =>
  sc.metadata.annotations?.[ANN_DEFAULT_CLASS] === 'true' ||
  sc.metadata.annotations?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true';

/** The default StorageClass (newest wins when several claim it, as upstream). */
export function defaultClass(classes: KubeObject[]): KubeObject | undefined {
  return classes
    .filter(isDefaultClass)
    .sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)))[0];
}

/** The class a claim asks for: its own, else the default class (claims with no class field at all). */
export function claimClass(pvc: KubeObject, classes: KubeObject[]): string {
  const own = pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? pvc.spec?.storageClassName;
  if (own !== undefined && own !== null) return own;
  return defaultClass(classes)?.metadata.name ?? '';
}

const volumeClass = (pv: KubeObject) =>
  pv.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? pv.spec?.storageClassName ?? '';

/** Whether `pv` can serve `pvc` (ignoring who it is bound to). */
export function volumeFits(pv: KubeObject, pvc: KubeObject, cls: string): boolean {
  if (volumeClass(pv) !== cls) return false;
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) return false;
  const modes: string[] = pv.spec?.accessModes ?? [];
  if (!(pvc.spec?.accessModes ?? []).every((m: string) => modes.includes(m))) return false;
  const want = parseQuantity(pvc.spec?.resources?.requests?.storage) ?? 0;
  const have = parseQuantity(pv.spec?.capacity?.storage) ?? 0;
  if (have < want) return false;
  if (pvc.spec?.selector && !labelSelectorFromObject(pvc.spec.selector).matches(pv.metadata.labels ?? {})) return false;
  return true;
}

const claimRefMatches = (ref: ClaimRef | undefined, pvc: KubeObject) =>
  !!ref && ref.namespace === pvc.metadata.namespace && ref.name === pvc.metadata.name && (!ref.uid || ref.uid === pvc.metadata.uid);

export function createPvBinderController(deps: ControllerDeps): Controller {
  const { client, informers, log, events } = deps;
  const pvs = informers.informer(R.persistentvolumes);
  const pvcs = informers.informer(R.persistentvolumeclaims);
  const classes = informers.informer(R.storageclasses);
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`pv-binder ${k}: ${(e as Error).message}`) });
  /** Volumes this binder has just claimed, until the cache shows it: two claims must not take one volume. */
  const claiming = new Map<string, string>();

  async function sync(key: string) {
    if (key.startsWith('pvc:')) return syncClaim(key.slice(4));
    return syncVolume(key.slice(3));
  }

  async function syncClaim(key: string) {
    const { ns, name } = splitKey(key);
    const pvc = pvcs.get(ns, name);
    if (!pvc || pvc.metadata.deletionTimestamp) return;
    if (pvc.spec?.volumeName) {
      const pv = pvs.get(undefined, pvc.spec.volumeName);
      if (!pv) {
        if (pvc.status?.phase === 'Bound') await setClaimStatus(pvc, { phase: 'Lost' });
        return;
      }
      if (!pv.spec?.claimRef) return bind(pv, pvc);
      if (claimRefMatches(pv.spec.claimRef, pvc)) return markClaimBound(pvc, pv);
      return;
    }
    const cls = claimClass(pvc, classes.list());
    // A volume pre-bound to this claim wins; then the smallest fitting Available volume.
    const candidates = pvs.list().filter((pv) => !pv.metadata.deletionTimestamp && volumeFits(pv, pvc, cls));
    const prebound = candidates.find((pv) => claimRefMatches(pv.spec?.claimRef, pvc));
    const free = candidates
      .filter((pv) => !pv.spec?.claimRef && (pv.status?.phase ?? 'Available') === 'Available' && !claiming.has(pv.metadata.name!))
      .sort((a, b) => (parseQuantity(a.spec.capacity.storage) ?? 0) - (parseQuantity(b.spec.capacity.storage) ?? 0));
    const pv = prebound ?? free[0];
    if (pv) return bind(pv, pvc);
    const sc = classes.get(undefined, cls);
    if (!sc?.provisioner || sc.provisioner === 'kubernetes.io/no-provisioner') {
      if (!pvc.status?.phase || pvc.status.phase !== 'Pending') await setClaimStatus(pvc, { phase: 'Pending' });
      events.event(
        pvc,
        'Normal',
        'FailedBinding',
        cls && !sc
          ? `storageclass.storage.k8s.io "${cls}" not found`
          : 'no persistent volumes available for this claim and no storage class is set',
      );
      return;
    }
    // WaitForFirstConsumer: the scheduler marks the chosen node first (volume.kubernetes.io/selected-node).
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !pvc.metadata.annotations?.[ANN_SELECTED_NODE]) {
      events.event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      return;
    }
    if (pvc.metadata.annotations?.[ANN_STORAGE_PROVISIONER] === sc.provisioner) return;
    await client.patch(R.persistentvolumeclaims, ns, name, 'merge', {
      metadata: { annotations: { [ANN_STORAGE_PROVISIONER]: sc.provisioner, [ANN_BETA_STORAGE_PROVISIONER]: sc.provisioner } },
    });
    events.event(
      pvc,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
  }

  async function bind(pv: KubeObject, pvc: KubeObject) {
    claiming.set(pv.metadata.name!, pvc.metadata.uid!);
    const nextPv = structuredClone(pv);
    if (!claimRefMatches(pv.spec?.claimRef, pvc) || !pv.spec.claimRef.uid) {
      nextPv.spec.claimRef = {
        kind: 'PersistentVolumeClaim',
        apiVersion: 'v1',
        namespace: pvc.metadata.namespace,
        name: pvc.metadata.name,
        uid: pvc.metadata.uid,
        resourceVersion: pvc.metadata.resourceVersion,
      };
      nextPv.metadata.annotations = { ...(nextPv.metadata.annotations ?? {}), [ANN_BOUND_BY_CONTROLLER]: 'yes' };
      const written = await client.update(R.persistentvolumes, undefined, nextPv);
      nextPv.metadata.resourceVersion = written.metadata.resourceVersion;
    }
    if (pv.status?.phase !== 'Bound') {
      nextPv.status = { ...(nextPv.status ?? {}), phase: 'Bound' };
      await client.update(R.persistentvolumes, undefined, nextPv, { subresource: 'status' });
    }
    const nextPvc = structuredClone(pvc);
    if (!pvc.spec.volumeName || pvc.metadata.annotations?.[ANN_BIND_COMPLETED] !== 'yes') {
      nextPvc.spec.volumeName = pv.metadata.name;
      nextPvc.metadata.annotations = {
        ...(nextPvc.metadata.annotations ?? {}),
        [ANN_BIND_COMPLETED]: 'yes',
        ...(pvc.spec.volumeName ? {} : { [ANN_BOUND_BY_CONTROLLER]: 'yes' }),
      };
      const written = await client.update(R.persistentvolumeclaims, pvc.metadata.namespace, nextPvc);
      await markClaimBound(written, pv);
    } else await markClaimBound(pvc, pv);
    events.event(pvc, 'Normal', 'Bound', `Successfully bound to volume ${pv.metadata.name}`);
  }

  async function markClaimBound(pvc: KubeObject, pv: KubeObject) {
    if (pvc.metadata.annotations?.[ANN_BIND_COMPLETED] !== 'yes') {
      await client.patch(R.persistentvolumeclaims, pvc.metadata.namespace, pvc.metadata.name!, 'merge', {
        metadata: { annotations: { [ANN_BIND_COMPLETED]: 'yes' } },
      });
    }
    const want: ClaimStatus = { phase: 'Bound', capacity: pv.spec?.capacity, accessModes: pv.spec?.accessModes };
    const cur = pvc.status ?? {};
    if (
      cur.phase === 'Bound' &&
      JSON.stringify(cur.capacity) === JSON.stringify(want.capacity) &&
      JSON.stringify(cur.accessModes) === JSON.stringify(want.accessModes)
    )
      return;
    await setClaimStatus(pvc, want);
  }

  async function setClaimStatus(pvc: KubeObject, status: ClaimStatus) {
    await client.patch(
      R.persistentvolumeclaims,
      pvc.metadata.namespace,
      pvc.metadata.name!,
      'merge',
      { status },
      { subresource: 'status' },
    );
  }

  async function syncVolume(name: string) {
    const pv = pvs.get(undefined, name);
    if (!pv || pv.metadata.deletionTimestamp) return;
    const ref = pv.spec?.claimRef;
    const phase = pv.status?.phase;
    let want: string | undefined;
    if (!ref) want = phase === 'Released' || phase === 'Failed' ? phase : 'Available';
    else {
      const pvc = pvcs.get(ref.namespace, ref.name);
      const gone = !pvc || (ref.uid && pvc.metadata.uid !== ref.uid);
      if (gone && ref.uid) {
        // Confirm with the API before releasing: the cache may lag behind a new claim.
        const live = await client
          .get(R.persistentvolumeclaims, ref.namespace, ref.name)
          .catch((e) => (isStatus(e, 404) ? undefined : Promise.reject(e)));
        want = live && live.metadata.uid === ref.uid ? phase : 'Released';
      } else if (pvc && (!ref.uid || pvc.spec?.volumeName === name)) {
        if (pvc.spec?.volumeName === name && ref.uid) want = 'Bound';
        queue.add(`pvc:${ref.namespace}/${ref.name}`);
      }
    }
    if (claiming.get(name) && ref?.uid === claiming.get(name)) claiming.delete(name);
    if (!want || want === phase) return;
    const next = structuredClone(pv);
    next.status = { ...(next.status ?? {}), phase: want };
    if (
      want === 'Released' &&
      pv.spec?.persistentVolumeReclaimPolicy === 'Delete' &&
      !pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by']
    ) {
      next.status = { phase: 'Failed', message: 'error getting deleter volume plugin for volume: no deletable volume plugin matched' };
    }
    await client.update(R.persistentvolumes, undefined, next, { subresource: 'status' });
  }

  return {
    name: 'pv-binder',
    start() {
      const claimKey = (c: KubeObject) => `pvc:${c.metadata.namespace}/${c.metadata.name}`;
      pvcs.addHandlers({
        add: (c) => queue.add(claimKey(c)),
        update: (_a, c) => queue.add(claimKey(c)),
        delete: (c) => {
          if (c.spec?.volumeName) queue.add(`pv:${c.spec.volumeName}`);
        },
      });
      pvs.addHandlers({
        add: (v) => {
          queue.add(`pv:${v.metadata.name}`);
          // A new volume may satisfy waiting claims.
          for (const c of pvcs.list()) if (!c.spec?.volumeName) queue.add(claimKey(c));
        },
        update: (_a, v) => queue.add(`pv:${v.metadata.name}`),
      });
      classes.addHandlers({ add: () => pvcs.list().forEach((c) => !c.spec?.volumeName && queue.add(claimKey(c))) });
    },
    stop: () => queue.stop(),
  };
}
