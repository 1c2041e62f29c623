// A watch-fed copy of the few objects admission reads on every create (ResourceQuotas,
// LimitRanges, PriorityClasses), so a pod create does not pay three store lists. It fills from
// one list, then follows the store's watch; on a watch error it forgets everything and reloads
// on next use. The embedded store publishes each commit before the write resolves, so a quota
// created just before a pod is seen; over etcd the lag is the watch's, as with upstream informers.
import type { KubeObject } from '../../kinds/types';
import type { Store, Watcher } from '../../store/types';
import { decodeObject } from '../storage-keys';

export interface PrefixCache {
  /** Objects whose key starts with `prefix` (the cache's prefix or a narrower one). Read-only. */
  list(prefix: string): Promise<KubeObject[]>;
  /** The object stored at `key` (under the cache's prefix), if any. Read-only. */
  get(key: string): Promise<KubeObject | undefined>;
  stop(): void;
}

export function createPrefixCache(store: Store, base: string): PrefixCache {
  const items = new Map<string, KubeObject>();
  let loading: Promise<void> | undefined;
  let watcher: Watcher | undefined;
  let stopped = false;

  function reset() {
    watcher?.close();
    watcher = undefined;
    items.clear();
    loading = undefined;
  }

  async function load() {
    const res = await store.list({ prefix: base });
    items.clear();
    for (const kv of res.items) items.set(kv.key, decodeObject(kv));
    if (stopped) return;
    watcher = store.watch({
      prefix: base,
      afterRevision: res.revision,
      onEvents(events) {
        for (const e of events) {
          if (e.type === 'delete') items.delete(e.kv.key);
          else items.set(e.kv.key, decodeObject(e.kv));
        }
      },
      onError: () => reset(),
    });
  }

  async function ready() {
    if (stopped) throw new Error('admission cache is stopped');
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
    stop() {
      stopped = true;
      reset();
    },
  };
}
