// Dependents grouped by their controller, kept current by informer handlers, and the one way a
// controller hears that a dependent changed: `onChange` gets the controller reference of every
// add, update and delete (and the previous controller when an update moved the object), which
// controllers use to enqueue the owner and to observe their expectations.
import type { KubeObject, OwnerReference } from '../../kinds/types';
import type { Informer } from '../../client/informer';
import { controllerRefOf } from './controller-ref';

export type Change = 'add' | 'update' | 'delete';

export interface OwnerIndex {
  /** Objects whose controller reference has this uid. */
  of(uid: string | undefined): KubeObject[];
}

/** Indexes the informer's objects controlled by `ownerKind`. Call before the informer starts. */
export function createOwnerIndex(
  inf: Informer,
  ownerKind: string,
  onChange?: (obj: KubeObject, owner: OwnerReference, change: Change, old?: KubeObject) => void,
): OwnerIndex {
  const byOwner = new Map<string, Map<string, KubeObject>>();
  const controllerOf = (o: KubeObject) => {
    const ref = controllerRefOf(o);
    return ref?.kind === ownerKind ? ref : undefined;
  };
  const put = (o: KubeObject) => {
    const ref = controllerOf(o);
    if (!ref) return;
    let m = byOwner.get(ref.uid);
    if (!m) byOwner.set(ref.uid, (m = new Map<string, KubeObject>()));
    m.set(o.metadata.uid!, o);
  };
  const drop = (o: KubeObject) => {
    const ref = controllerOf(o);
    if (!ref) return;
    const m = byOwner.get(ref.uid);
    m?.delete(o.metadata.uid!);
    if (m && !m.size) byOwner.delete(ref.uid);
  };
  const notify = (o: KubeObject, change: Change, old?: KubeObject) => {
    const ref = controllerOf(o);
    if (ref) onChange?.(o, ref, change, old);
  };
  inf.addHandlers({
    add: (o) => {
      put(o);
      notify(o, 'add');
    },
    update: (a, b) => {
      drop(a);
      put(b);
      const ra = controllerOf(a);
      if (ra && ra.uid !== controllerOf(b)?.uid) notify(a, 'delete');
      notify(b, 'update', a);
    },
    delete: (o) => {
      drop(o);
      notify(o, 'delete');
    },
  });
  return { of: (uid) => [...(byOwner.get(uid ?? '')?.values() ?? [])] };
}

/**
 * Feeds a controller's expectations from its dependents' changes (upstream: addPod, updatePod,
 * deletePod): an add is an observed creation, a delete or a deletionTimestamp appearing an
 * observed deletion.
 */
export function observe(
  exp: { creationObserved(key: string): void; deletionObserved(key: string, uid: string): void },
  key: string,
  obj: KubeObject,
  change: Change,
  old?: KubeObject,
) {
  const uid = obj.metadata.uid!;
  if (change === 'add') {
    if (obj.metadata.deletionTimestamp) exp.deletionObserved(key, uid);
    else exp.creationObserved(key);
  } else if (change === 'delete') exp.deletionObserved(key, uid);
  else if (obj.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp) exp.deletionObserved(key, uid);
}
