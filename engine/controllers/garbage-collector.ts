// Garbage collector: keeps an owner→dependents graph from a watch on the whole registry and
// deletes dependents whose owners are all gone (background), deletes dependents before their
// owner (foreground: `foregroundDeletion` finalizer), or strips owner references (`orphan`).
import type { KindDef, KubeObject } from '../kinds/types';
import type { Store, WatchEvent, Watcher } from '../store/types';
import type { Resources } from '../apiserver/resource-store';
import { ApiError } from '../apiserver/status';

export interface GarbageCollectorDeps {
  store: Store;
  resources: Resources;
  /** Resolves a stored key to its kind and namespace/name. */
  locate(key: string): { def: KindDef; namespace?: string; name: string } | undefined;
  log?: (line: string) => void;
}

interface Node {
  key: string;
  uid: string;
  owners: string[];
  deleting: boolean;
  finalizers: string[];
}

export function createGarbageCollector(deps: GarbageCollectorDeps) {
  const byKey = new Map<string, Node>();
  const byUid = new Map<string, Node>();
  const dependents = new Map<string, Set<string>>(); // owner uid -> dependent keys
  const queue = new Set<string>(); // keys to reconsider
  let watcher: Watcher | undefined;
  let running = false;
  let stopped = false;
  const log = deps.log ?? (() => {});

  function index(key: string, obj: KubeObject | undefined) {
    const prev = byKey.get(key);
    if (prev) {
      byUid.delete(prev.uid);
      for (const o of prev.owners) {
        dependents.get(o)?.delete(key);
        // An owner waiting in the foreground for its dependents looks again when one goes.
        const owner = byUid.get(o);
        if (owner?.deleting) queue.add(owner.key);
      }
      byKey.delete(key);
    }
    if (!obj) {
      if (prev) for (const d of dependents.get(prev.uid) ?? []) queue.add(d);
      return;
    }
    const node: Node = {
      key,
      uid: obj.metadata.uid ?? '',
      owners: (obj.metadata.ownerReferences ?? []).map((r) => r.uid),
      deleting: Boolean(obj.metadata.deletionTimestamp),
      finalizers: obj.metadata.finalizers ?? [],
    };
    byKey.set(key, node);
    byUid.set(node.uid, node);
    for (const o of node.owners) {
      let set = dependents.get(o);
      if (!set) dependents.set(o, (set = new Set()));
      set.add(key);
    }
    if (node.owners.length) queue.add(key);
    if (node.deleting && (node.finalizers.includes('orphan') || node.finalizers.includes('foregroundDeletion'))) queue.add(key);
    // An owner being deleted in the foreground makes its dependents go first.
    for (const o of node.owners) {
      const owner = byUid.get(o);
      if (owner?.deleting && owner.finalizers.includes('foregroundDeletion')) queue.add(owner.key);
    }
  }

  function onEvents(events: WatchEvent[]) {
    for (const ev of events) index(ev.kv.key, ev.type === 'delete' ? undefined : JSON.parse(ev.kv.value));
    kick();
  }

  async function start() {
    const list = await deps.store.list({ prefix: '/registry/' });
    for (const kv of list.items) index(kv.key, JSON.parse(kv.value));
    watcher = deps.store.watch({
      prefix: '/registry/',
      afterRevision: list.revision,
      onEvents,
      onError: (err) => {
        log(`garbage collector: watch failed (${err.message}); restarting`);
        if (!stopped) setTimeout(() => restart(), 500);
      },
    });
    kick();
  }

  async function restart() {
    watcher?.close();
    byKey.clear();
    byUid.clear();
    dependents.clear();
    await start().catch((e) => log(`garbage collector: ${e.message}`));
  }

  function kick() {
    if (running || stopped || queue.size === 0) return;
    running = true;
    setImmediate(async () => {
      try {
        while (queue.size && !stopped) {
          const [key] = queue;
          queue.delete(key);
          await process(key).catch((e) => {
            if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) log(`garbage collector: ${key}: ${e.message}`);
          });
        }
      } finally {
        running = false;
        if (queue.size) kick();
      }
    });
  }

  async function process(key: string) {
    const node = byKey.get(key);
    if (!node) return;
    const where = deps.locate(key);
    if (!where) return;
    if (node.deleting && node.finalizers.includes('orphan')) {
      for (const d of [...(dependents.get(node.uid) ?? [])]) await orphan(d, node.uid);
      await removeFinalizer(where, 'orphan');
      return;
    }
    if (node.deleting && node.finalizers.includes('foregroundDeletion')) {
      const deps_ = [...(dependents.get(node.uid) ?? [])];
      if (deps_.length === 0) {
        await removeFinalizer(where, 'foregroundDeletion');
        return;
      }
      for (const d of deps_) {
        const dn = byKey.get(d);
        const loc = deps.locate(d);
        if (dn && loc && !dn.deleting) await deps.resources.remove(loc.def, loc.namespace, loc.name, { propagationPolicy: 'Foreground' });
      }
      return;
    }
    // Dependents whose owners are all gone are deleted in the background.
    if (node.owners.length && !node.deleting && node.owners.every((o) => !byUid.has(o))) {
      await deps.resources.remove(where.def, where.namespace, where.name, { propagationPolicy: 'Background' });
    }
  }

  async function orphan(depKey: string, ownerUid: string) {
    const loc = deps.locate(depKey);
    if (!loc) return;
    await deps.resources.mutate(loc.def, loc.namespace, loc.name, (obj) => {
      const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
      if (refs.length) obj.metadata.ownerReferences = refs;
      else delete obj.metadata.ownerReferences;
      return obj;
    });
  }

  async function removeFinalizer(where: { def: KindDef; namespace?: string; name: string }, finalizer: string) {
    await deps.resources.mutate(where.def, where.namespace, where.name, (obj) => {
      obj.metadata.finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      if (!obj.metadata.finalizers.length) delete obj.metadata.finalizers;
      return obj;
    });
  }

  return {
    start,
    stop() {
      stopped = true;
      watcher?.close();
    },
  };
}
