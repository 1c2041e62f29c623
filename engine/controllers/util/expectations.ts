// What a controller has asked for but its informer has not shown yet (client-go's
// ControllerExpectations with UID-tracked deletions): a sync that runs before the cache
// catches up must not create or delete again. Raise before the write, lower on the informer
// event (or on a failed write). Expectations older than the TTL count as satisfied, in case an
// event was lost, as upstream's ExpectationsTimeout.
export const EXPECTATIONS_TTL_MS = 5 * 60_000;

export interface Expectations {
  expectCreations(key: string, n: number): void;
  /** Deletions by the deleted objects' uids. */
  expectDeletions(key: string, uids: string[]): void;
  /** An informer add of an object this key created. */
  creationObserved(key: string): void;
  /** An informer delete (or a deletionTimestamp appearing) of an object this key deletes. */
  deletionObserved(key: string, uid: string): void;
  /** Gives back creations that will never be observed (failed or skipped). */
  lowerCreations(key: string, n: number): void;
  satisfied(key: string): boolean;
  forget(key: string): void;
}

export function createExpectations(now: () => number = Date.now, ttlMs = EXPECTATIONS_TTL_MS): Expectations {
  const map = new Map<string, { adds: number; dels: Set<string>; at: number }>();
  const entry = (key: string) => {
    let e = map.get(key);
    if (!e) map.set(key, (e = { adds: 0, dels: new Set(), at: now() }));
    e.at = now();
    return e;
  };
  return {
    expectCreations(key, n) {
      entry(key).adds += n;
    },
    expectDeletions(key, uids) {
      const e = entry(key);
      for (const u of uids) e.dels.add(u);
    },
    creationObserved(key) {
      const e = map.get(key);
      if (e && e.adds > 0) e.adds--;
    },
    deletionObserved(key, uid) {
      map.get(key)?.dels.delete(uid);
    },
    lowerCreations(key, n) {
      const e = map.get(key);
      if (e) e.adds = Math.max(0, e.adds - n);
    },
    satisfied(key) {
      const e = map.get(key);
      if (!e) return true;
      return (e.adds <= 0 && e.dels.size === 0) || now() - e.at > ttlMs;
    },
    forget(key) {
      map.delete(key);
    },
  };
}
