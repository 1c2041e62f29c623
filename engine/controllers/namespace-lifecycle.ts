// Namespace deletion: once a namespace is Terminating, delete everything in it, then drop
// the `kubernetes` finalizer so the namespace itself goes.
import type { KindDef } from '../kinds/types';
import type { Store, Watcher } from '../store/types';
import type { Resources } from '../apiserver/resource-store';
import { ApiError } from '../apiserver/status';

export interface NamespaceLifecycleDeps {
  store: Store;
  resources: Resources;
  namespaceDef: KindDef;
  /** Stored namespaced kinds (one definition per key space). */
  namespacedKinds(): KindDef[];
  log?: (line: string) => void;
}

export function createNamespaceLifecycle(deps: NamespaceLifecycleDeps) {
  const pending = new Set<string>();
  let watcher: Watcher | undefined;
  let busy = false;
  let stopped = false;
  const log = deps.log ?? (() => {});
  const nsPrefix = '/registry/namespaces/';

  async function start() {
    const list = await deps.store.list({ prefix: nsPrefix });
    for (const kv of list.items) consider(JSON.parse(kv.value));
    watcher = deps.store.watch({
      prefix: nsPrefix,
      afterRevision: list.revision,
      onEvents: (events) => {
        for (const ev of events) if (ev.type === 'put') consider(JSON.parse(ev.kv.value));
      },
      onError: (e) => log(`namespace lifecycle: ${e.message}`),
    });
  }

  function consider(ns: any) {
    if (!ns.metadata.deletionTimestamp) return;
    pending.add(ns.metadata.name);
    drain();
  }

  function drain() {
    if (busy || stopped) return;
    busy = true;
    setImmediate(async () => {
      try {
        while (pending.size && !stopped) {
          const [name] = pending;
          pending.delete(name);
          const retry = await finalize(name).catch((e) => {
            if (!(e instanceof ApiError && e.code === 404)) log(`namespace lifecycle: ${name}: ${e.message}`);
            return !(e instanceof ApiError && e.code === 404);
          });
          if (retry)
            setTimeout(() => {
              pending.add(name);
              drain();
            }, 1000);
        }
      } finally {
        busy = false;
      }
    });
  }

  /** Returns true when content remains (to look again shortly). */
  async function finalize(name: string): Promise<boolean> {
    let remaining = 0;
    for (const def of deps.namespacedKinds()) {
      const { items } = await deps.resources.list(def, name);
      for (const item of items) {
        remaining++;
        if (item.metadata.deletionTimestamp) continue;
        await deps.resources.remove(def, name, item.metadata.name!, { propagationPolicy: 'Background' }).catch((e) => {
          if (!(e instanceof ApiError && e.code === 404)) throw e;
        });
      }
    }
    if (remaining) return true;
    await deps.resources.mutate(
      deps.namespaceDef,
      undefined,
      name,
      (ns) => {
        ns.spec = { ...(ns.spec ?? {}), finalizers: (ns.spec?.finalizers ?? []).filter((f: string) => f !== 'kubernetes') };
        return ns;
      },
      { subresource: 'finalize' },
    );
    return false;
  }

  return {
    start,
    stop() {
      stopped = true;
      watcher?.close();
    },
  };
}
