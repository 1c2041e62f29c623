// What service-account token validation looks up on every request: the UID of each
// ServiceAccount, Pod and Secret (and a token Secret's token), filled from one store list per kind
// and kept current by store watches (informer-style, as upstream's validator reads informer
// caches). Lookups are synchronous map reads. An object the cache has not seen is read from the
// store, so a watch that lags never refuses a token for an object that exists.
import type { KeyValue, Store, Watcher } from '../../store/types';

export interface CachedObject {
  uid: string;
  /** metadata.deletionTimestamp (ms since the epoch), once the object is being deleted. */
  deletedAt?: number;
  /** data.token (base64) of a kubernetes.io/service-account-token Secret. */
  token?: string;
}

export type TokenObjectKind = 'serviceaccounts' | 'pods' | 'secrets';

export interface TokenRevocationCache {
  /** The object as the cache knows it; a Promise only when it must ask the store (not cached, or still loading). */
  get(kind: TokenObjectKind, namespace: string, name: string): CachedObject | undefined | Promise<CachedObject | undefined>;
  /** Changes whenever anything cached may have changed: an answer from the same generation still holds. */
  generation(): number;
  stop(): void;
}

const KINDS: TokenObjectKind[] = ['serviceaccounts', 'pods', 'secrets'];
const prefixOf = (kind: TokenObjectKind) => `/registry/${kind}/`;

function parse(kind: TokenObjectKind, kv: KeyValue): CachedObject | undefined {
  try {
    const o = JSON.parse(kv.value) as {
      metadata?: { uid?: unknown; deletionTimestamp?: unknown };
      type?: unknown;
      data?: { token?: unknown };
    } | null;
    const uid = o?.metadata?.uid;
    if (typeof uid !== 'string') return undefined;
    const deleting = o?.metadata?.deletionTimestamp;
    const deletedAt = typeof deleting === 'string' ? Date.parse(deleting) : NaN;
    const token = o?.data?.token;
    return {
      uid,
      ...(Number.isFinite(deletedAt) ? { deletedAt } : {}),
      ...(kind === 'secrets' && o?.type === 'kubernetes.io/service-account-token' && typeof token === 'string' ? { token } : {}),
    };
  } catch {
    return undefined;
  }
}

export function createTokenRevocationCache(store: Store): TokenRevocationCache {
  const maps = new Map<TokenObjectKind, Map<string, CachedObject>>();
  const watchers = new Map<TokenObjectKind, Watcher>();
  const loading = new Map<TokenObjectKind, Promise<void>>();
  let stopped = false;
  let generation = 0;

  async function load(kind: TokenObjectKind) {
    const res = await store.list({ prefix: prefixOf(kind) });
    const map = new Map<string, CachedObject>();
    for (const kv of res.items) {
      const o = parse(kind, kv);
      if (o) map.set(kv.key, o);
    }
    if (stopped) return;
    generation++;
    maps.set(kind, map);
    watchers.set(
      kind,
      store.watch({
        prefix: prefixOf(kind),
        afterRevision: res.revision,
        onEvents(events) {
          generation++;
          for (const e of events) {
            if (e.type === 'delete') map.delete(e.kv.key);
            // A UID never changes while the key lives: updates of pods and accounts (status
            // writes, mostly) are not parsed again, unless they may have set deletionTimestamp
            // (a string search is far cheaper than a parse). Secrets are, their token may change.
            else if (
              kind === 'secrets' ||
              !e.prevKv ||
              !map.has(e.kv.key) ||
              (map.get(e.kv.key)!.deletedAt === undefined && e.kv.value.includes('"deletionTimestamp"'))
            ) {
              const o = parse(kind, e.kv);
              if (o) map.set(e.kv.key, o);
            }
          }
        },
        onError: () => reset(kind),
      }),
    );
  }

  function reset(kind: TokenObjectKind) {
    generation++;
    watchers.get(kind)?.close();
    watchers.delete(kind);
    maps.delete(kind);
    loading.delete(kind);
  }

  async function fromStore(key: string, kind: TokenObjectKind) {
    const kv = await store.get(key);
    return kv ? parse(kind, kv) : undefined;
  }

  return {
    get(kind, namespace, name) {
      const key = `${prefixOf(kind)}${namespace}/${name}`;
      const map = maps.get(kind);
      if (map) return map.get(key) ?? fromStore(key, kind);
      if (stopped) return fromStore(key, kind);
      let l = loading.get(kind);
      if (!l) {
        l = load(kind).catch(() => reset(kind));
        loading.set(kind, l);
      }
      return l.then(() => fromStore(key, kind));
    },
    generation: () => generation,
    stop() {
      stopped = true;
      for (const k of KINDS) reset(k);
    },
  };
}
