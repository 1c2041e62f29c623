// Copies of shared, read-only objects (watch events, listed objects) for in-process readers
// who may change what they get, and read-only views for those who may not (informers). An
// object's JSON text is made once and each copy is parsed from it: with the scheduler, the controllers, the kubelets and the garbage collector all
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

const readOnlyViews = new WeakMap<object, object>();

/**
 * A view of a shared object without metadata.managedFields, one per object for every caller: for
 * readers that never change what they get (informers). The view shares everything but its top
 * level and metadata with the API server's object, so the scheduler, kubelets and controllers
 * hold one pod between them and no copy is parsed per event (at 30,000 pods, copies and their
 * garbage were a large part of the control plane's work). Under tests (SKIFF_FREEZE_SHARED=1,
 * set by scripts/test.mjs) the shared object is frozen all through, so a reader that breaks the
 * rule fails its test instead of changing what other watchers see.
 */
export function readOnlyTrimmed<T extends { metadata?: { managedFields?: unknown } }>(obj: T): T {
  let view = readOnlyViews.get(obj);
  if (view === undefined) {
    if (freezeShared) deepFreeze(obj);
    if (obj.metadata?.managedFields === undefined) view = obj;
    else {
      const metadata: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj.metadata)) if (k !== 'managedFields') metadata[k] = v;
      view = { ...obj, metadata };
      if (freezeShared) deepFreeze(view);
    }
    readOnlyViews.set(obj, view);
  }
  return view as T;
}

const freezeShared = process.env.SKIFF_FREEZE_SHARED === '1';

/** Under tests, freezes a shared object all through (see readOnlyTrimmed); a no-op otherwise. */
export function freezeUnderTests(obj: object): void {
  if (freezeShared) deepFreeze(obj);
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/** A copy of shared metadata without its managedFields (metadata-only in-process readers). */
export function copySharedMetadataTrimmed<T extends { managedFields?: unknown }>(meta: T): T {
  if (!meta.managedFields) return copyShared(meta);
  let text = trimmedTexts.get(meta);
  if (text === undefined) trimmedTexts.set(meta, (text = JSON.stringify({ ...meta, managedFields: undefined })));
  return JSON.parse(text) as T;
}
