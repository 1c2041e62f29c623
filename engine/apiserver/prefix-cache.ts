// A watch-fed copy of the objects under one store prefix, for what the API server reads on every
// request (admission's ResourceQuotas, LimitRanges and PriorityClasses; the authorizer's RBAC
// objects), so a request does not pay a store list. It fills from one list, then follows the
// store's watch; on a watch error it forgets everything and reloads on next use. The embedded
// store publishes each commit before the write resolves, so an object created just before a
// request is seen; over etcd the lag is the watch's, as with upstream informers.
import type { KubeObject } from '../kinds/types';
import type { Store, Watcher } from '../store/types';
import { decodeObject } from './storage-keys';

export interface PrefixCache {
  /** Objects whose key starts with `prefix` (the cache's prefix or a narrower one). Read-only. */
  list(prefix: string): Promise<KubeObject[]>;
  /** The object stored at `key` (under the cache's prefix), if any. Read-only. */
  get(key: string): Promise<KubeObject | undefined>;
  /** Every cached object by key, and a number that changes whenever they may have (callers drop
   *  what they derived from an older one). Read-only. */
  entries(): Promise<{ generation: number; items: ReadonlyMap<string, KubeObject> }>;
  /** How many objects it holds, known at once once loaded (and watching); undefined before. */
  loadedSize(): number | undefined;
  stop(): void;
}

/** `what` names the cache in the error a call after stop() gets. */
export function createPrefixCache(store: Store, base: string, what = 'admission cache'): PrefixCache {
  const items = new Map<string, KubeObject>();
  let generation = 0;
  let loading: Promise<void> | undefined;
  let watcher: Watcher | undefined;
  let stopped = false;

  function reset() {
    watcher?.close();
    watcher = undefined;
    items.clear();
    loading = undefined;
    generation++;
  }

  async function load() {
    const res = await store.list({ prefix: base });
    items.clear();
    for (const kv of res.items) items.set(kv.key, decodeObject(kv));
    generation++;
    if (stopped) return;
    watcher = store.watch({
      prefix: base,
      afterRevision: res.revision,
      onEvents(events) {
        for (const e of events) {
          if (e.type === 'delete') items.delete(e.kv.key);
          else items.set(e.kv.key, decodeObject(e.kv));
        }
        generation++;
      },
      onError: () => reset(),
    });
  }

  async function ready() {
    if (stopped) throw new Error(`${what} is stopped`);
    await (loading ??= load().catch((e) => {
      loading = undefined;
      throw e;
    }));
  }

  return {
    async list(prefix) {
      await ready();
      const out: KubeObject[] = [];
      for (const [k, v] of items) if (k.startsWith(prefix)) out.push(v);
      return out;
    },
    async get(key) {
      await ready();
      return items.get(key);
    },
    async entries() {
      await ready();
      return { generation, items };
    },
    loadedSize: () => (watcher ? items.size : undefined),
    stop() {
      stopped = true;
      reset();
    },
  };
}
