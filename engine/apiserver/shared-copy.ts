// Copies of shared, read-only objects (watch events, listed objects) for in-process readers,
// who may change what they get. An object's JSON text is made once and each copy is parsed
// from it: with the scheduler, the controllers, the kubelets and the garbage collector all
// watching pods, one event is copied four or five times, and JSON.parse of a shared text costs
// about a third of a structuredClone. Objects here came from JSON (the store), so nothing is lost.
const texts = new WeakMap<object, string>();

/** A deep copy of `obj`, which must not change after it is first copied (shared objects never do). */
export function copyShared<T extends object>(obj: T): T {
  let text = texts.get(obj);
  if (text === undefined) texts.set(obj, (text = JSON.stringify(obj)));
  return JSON.parse(text) as T;
}
