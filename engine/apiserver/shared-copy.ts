// Copies of shared, read-only objects (watch events, listed objects) for in-process readers,
// who may change what they get. An object's JSON text is made once and each copy is parsed
// from it: with the scheduler, the controllers, the kubelets and the garbage collector all
// watching pods, one event is copied four or five times, and JSON.parse of a shared text costs
// about a third of a structuredClone. Objects here came from JSON (the store), so nothing is lost.
const texts = new WeakMap<object, string>();
const trimmedTexts = new WeakMap<object, string>();

/** A deep copy of `obj`, which must not change after it is first copied (shared objects never do). */
export function copyShared<T extends object>(obj: T): T {
  let text = texts.get(obj);
  if (text === undefined) texts.set(obj, (text = JSON.stringify(obj)));
  return JSON.parse(text) as T;
}

/**
 * As copyShared, without metadata.managedFields. The in-process controllers, scheduler and
 * kubelets never read them (an update without them keeps the stored ones), and they are often a
 * third of a pod's size: every informer copy and cached object would carry them. Upstream's
 * kube-controller-manager and kube-scheduler drop them from their informers for the same reason.
 */
export function copySharedTrimmed<T extends { metadata?: { managedFields?: unknown } }>(obj: T): T {
  if (!obj.metadata?.managedFields) return copyShared(obj);
  let text = trimmedTexts.get(obj);
  if (text === undefined)
    trimmedTexts.set(obj, (text = JSON.stringify({ ...obj, metadata: { ...obj.metadata, managedFields: undefined } })));
  return JSON.parse(text) as T;
}

const readOnlyCopies = new WeakMap<object, object>();

/**
 * As copySharedTrimmed, one copy per shared object for every caller: for readers that never
 * change what they get (informers). The scheduler's, the kubelets' and the controllers'
 * informers then hold one copy of each pod between them, not one each (at 30,000 pods, the
 * copies and the garbage collection of them were a large part of the control plane's work).
 * Still a copy, so a reader that breaks the rule cannot change the API server's own objects.
 */
export function readOnlyTrimmed<T extends { metadata?: { managedFields?: unknown } }>(obj: T): T {
  let copy = readOnlyCopies.get(obj);
  if (copy === undefined) readOnlyCopies.set(obj, (copy = copySharedTrimmed(obj)));
  return copy as T;
}

/** A copy of shared metadata without its managedFields (metadata-only in-process readers). */
export function copySharedMetadataTrimmed<T extends { managedFields?: unknown }>(meta: T): T {
  if (!meta.managedFields) return copyShared(meta);
  let text = trimmedTexts.get(meta);
  if (text === undefined) trimmedTexts.set(meta, (text = JSON.stringify({ ...meta, managedFields: undefined })));
  return JSON.parse(text) as T;
}
