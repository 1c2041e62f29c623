// Informers: list, then watch from the list's resourceVersion, keeping a local cache and
// telling handlers about adds, updates and deletes. A closed watch resumes from the last seen
// version; a 410 (history compacted) relists and reconciles the cache, as client-go does.
// Cached objects are shared between handlers: treat them as read-only.
import type { KubeObject } from '../kinds/types';
import type { KubeClient, ResourceRef, WatchHandle } from './types';
import { isStatus } from './types';

export interface InformerHandlers {
  add?(obj: KubeObject): void;
  update?(oldObj: KubeObject, newObj: KubeObject): void;
  delete?(obj: KubeObject): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Delay before re-listing after an error. */
  retryMs?: number;
  /** What to keep of each object (client-go's SetTransform), e.g. metadata only. */
  transform?: (obj: KubeObject) => KubeObject;
  /** Asks the client for metadata only (see ListOptions.metadataOnly). */
  metadataOnly?: boolean;
  log?: (line: string) => void;
}

export interface Informer {
  /** Resolves once the first list has filled the cache. */
  start(): Promise<void>;
  stop(): void;
  list(): KubeObject[];
  get(namespace: string | undefined, name: string): KubeObject | undefined;
  addHandlers(h: InformerHandlers): void;
  hasSynced(): boolean;
}

export const cacheKey = (namespace: string | undefined, name: string) => (namespace ? `${namespace}/${name}` : name);
export const keyOf = (obj: KubeObject) => cacheKey(obj.metadata.namespace, obj.metadata.name!);
/** keyOf's inverse: 'ns/name' → { ns, name }; a cluster-scoped 'name' → { ns: '', name }. */
export function splitKey(key: string): { ns: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { ns: '', name: key } : { ns: key.slice(0, i), name: key.slice(i + 1) };
}

export function createInformer(client: KubeClient, res: ResourceRef, opts: InformerOptions = {}): Informer {
  const cache = new Map<string, KubeObject>();
  const handlers: InformerHandlers[] = [];
  let rv = '';
  let synced = false;
  let stopped = false;
  let watch: WatchHandle | undefined;
  let retry: NodeJS.Timeout | undefined;
  const log = opts.log ?? (() => {});
  const transform = opts.transform ?? ((o: KubeObject) => o);

  const emitAdd = (o: KubeObject) => handlers.forEach((h) => h.add?.(o));
  const emitUpdate = (a: KubeObject, b: KubeObject) => handlers.forEach((h) => h.update?.(a, b));
  const emitDelete = (o: KubeObject) => handlers.forEach((h) => h.delete?.(o));

  async function relist() {
    const r = await client.list(res, opts.namespace, {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      metadataOnly: opts.metadataOnly,
    });
    const seen = new Set<string>();
    for (const item of r.items) {
      const obj = transform(item);
      const k = keyOf(obj);
      seen.add(k);
      const old = cache.get(k);
      cache.set(k, obj);
      if (!old) emitAdd(obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) emitUpdate(old, obj);
    }
    for (const [k, old] of cache) {
      if (!seen.has(k)) {
        cache.delete(k);
        emitDelete(old);
      }
    }
    rv = r.resourceVersion;
    synced = true;
  }

  function startWatch() {
    if (stopped) return;
    watch = client.watch(
      res,
      opts.namespace,
      {
        resourceVersion: rv,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        allowBookmarks: true,
        metadataOnly: opts.metadataOnly,
        // Cached objects are read-only (above): one view of an event serves every informer.
        readOnly: true,
      },
      (type, raw) => {
        if (type === 'ERROR') return; // followed by onClose with the reason
        const obj = type === 'BOOKMARK' ? raw : transform(raw);
        if (obj.metadata?.resourceVersion) rv = obj.metadata.resourceVersion;
        if (type === 'BOOKMARK') return;
        const k = keyOf(obj);
        const old = cache.get(k);
        if (type === 'DELETED') {
          cache.delete(k);
          emitDelete(old ?? obj);
          return;
        }
        cache.set(k, obj);
        if (old) emitUpdate(old, obj);
        else emitAdd(obj);
      },
      (err) => {
        watch = undefined;
        if (stopped) return;
        if (err && isStatus(err, 410))
          rv = ''; // too old: relist below
        else if (err) log(`informer ${res.plural}: watch ended: ${err.message}`);
        if (!rv) scheduleRelist(0);
        else setImmediate(startWatch);
      },
    );
  }

  function scheduleRelist(delay: number) {
    if (stopped) return;
    retry = setTimeout(() => {
      relist().then(startWatch, (e) => {
        log(`informer ${res.plural}: list failed: ${e.message}`);
        scheduleRelist(opts.retryMs ?? 1000);
      });
    }, delay);
  }

  return {
    async start() {
      await relist();
      startWatch();
    },
    stop() {
      stopped = true;
      watch?.stop();
      if (retry) clearTimeout(retry);
    },
    list: () => [...cache.values()],
    get: (ns, name) => cache.get(cacheKey(ns, name)),
    addHandlers(h) {
      handlers.push(h);
    },
    hasSynced: () => synced,
  };
}
