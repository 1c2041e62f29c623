// Garbage collector: keeps an owner→dependents graph from informers on every stored resource and
// deletes dependents whose owners are all gone (background), deletes dependents before their
// owner (foreground: `foregroundDeletion` finalizer), or strips owner references (`orphan`).
// Like kube-controller-manager's, it works through the client; an owner missing from the graph
// is looked up live (by uid) before a dependent is deleted, so informers that have not synced
// yet, or kinds it does not watch, never cause a wrong deletion.
import type { KubeObject } from '../kinds/types';
import { isStatus, type ApiResource } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import { createInformer, type Informer } from '../client/informer';
import type { Controller, ControllerDeps } from './types';
import { ignoreNotFound } from './util/not-found';

export interface GarbageCollectorOptions {
  /** How often to look for resources that appeared since start (custom resources). */
  resyncMs?: number;
}

interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

interface Node {
  uid: string;
  res: ApiResource;
  namespace?: string;
  name: string;
  owners: OwnerRef[];
  deleting: boolean;
  finalizers: string[];
}

/**
 * Kinds the collector does not watch, as upstream's default ignored resources: Events (core and
 * events.k8s.io) expire by themselves, and at scale they are most of what is written (a pod
 * start records three), so watching them would cost a copy and a graph node per Event.
 */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

export function createGarbageCollector(deps: ControllerDeps, opts: GarbageCollectorOptions = {}): Controller {
  const { client, log } = deps;
  const resources = deps.resources ?? (() => []);
  const byUid = new Map<string, Node>();
  const dependents = new Map<string, Set<string>>(); // owner uid -> dependent uids
  const informers = new Map<string, Informer>();
  let resync: NodeJS.Timeout | undefined;
  const queue = createWorkQueue({
    sync: process,
    concurrency: 2,
    onError: (uid, e) => {
      if (!isStatus(e, 409)) log(`garbage collector: ${byUid.get(uid)?.name ?? uid}: ${(e as Error).message}`);
    },
  });

  const deletingWith = (n: Node | undefined, f: string) => Boolean(n?.deleting && n.finalizers.includes(f));

  // The queue may run a sync synchronously on add, so each handler changes the graph first and
  // queues afterwards: a sync never sees the graph half-updated.
  function unindex(uid: string, poke: string[]) {
    const prev = byUid.get(uid);
    if (!prev) return;
    byUid.delete(uid);
    for (const o of prev.owners) {
      const set = dependents.get(o.uid);
      set?.delete(uid);
      if (set?.size === 0) dependents.delete(o.uid);
      // An owner waiting in the foreground for its dependents looks again when one goes.
      if (byUid.get(o.uid)?.deleting) poke.push(o.uid);
    }
  }

  function index(res: ApiResource, obj: KubeObject) {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const poke: string[] = [];
    unindex(uid, poke);
    const node: Node = {
      uid,
      res,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name!,
      owners: obj.metadata.ownerReferences ?? [],
      deleting: Boolean(obj.metadata.deletionTimestamp),
      finalizers: obj.metadata.finalizers ?? [],
    };
    byUid.set(uid, node);
    for (const o of node.owners) {
      let set = dependents.get(o.uid);
      if (!set) dependents.set(o.uid, (set = new Set()));
      set.add(uid);
      // An owner being deleted in the foreground makes its dependents go first.
      if (deletingWith(byUid.get(o.uid), FOREGROUND)) poke.push(o.uid);
    }
    if (node.owners.length || deletingWith(node, ORPHAN) || deletingWith(node, FOREGROUND)) poke.push(uid);
    for (const k of poke) queue.add(k);
  }

  function removed(obj: KubeObject) {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const poke: string[] = [];
    unindex(uid, poke);
    // Its dependents may now have no owner left.
    poke.push(...(dependents.get(uid) ?? []));
    for (const k of poke) queue.add(k);
  }

  // Its own informers, keeping metadata only (upstream's metadata informers): every object of
  // every kind is in the graph, and their specs and statuses are not needed.
  function watch(res: ApiResource) {
    const key = `${res.group}/${res.plural}`;
    if (informers.has(key) || IGNORED.has(key)) return Promise.resolve();
    const inf = createInformer(client, res, { transform: metadataOnly, metadataOnly: true, log });
    informers.set(key, inf);
    inf.addHandlers({ add: (o) => index(res, o), update: (_, o) => index(res, o), delete: removed });
    return inf.start().catch((e) => log(`garbage collector: ${res.plural}: ${(e as Error).message}`));
  }

  async function process(uid: string) {
    const node = byUid.get(uid);
    if (!node) return;
    if (deletingWith(node, ORPHAN)) {
      for (const d of [...(dependents.get(uid) ?? [])]) await orphan(d, uid);
      await dropFinalizer(node, ORPHAN);
      return;
    }
    if (deletingWith(node, FOREGROUND)) {
      const waiting = [...(dependents.get(uid) ?? [])].map((d) => byUid.get(d)).filter((d): d is Node => Boolean(d));
      if (waiting.length === 0) return dropFinalizer(node, FOREGROUND);
      for (const d of waiting) if (!d.deleting) await remove(d, 'Foreground');
      return;
    }
    // Dependents whose owners are all gone are deleted in the background.
    if (node.owners.length && !node.deleting) {
      for (const o of node.owners) if (!(await ownerAbsent(node, o))) return;
      await remove(node, 'Background');
    }
  }

  /** True when the owner is gone (404, or its name now belongs to another uid). */
  async function ownerAbsent(node: Node, ref: OwnerRef): Promise<boolean> {
    if (byUid.has(ref.uid)) return false;
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
    const res = resources().find((r) => r.kind === ref.kind && r.group === group);
    if (!res) return false; // a kind we cannot look up is never presumed gone
    try {
      const owner = await client.get(res, res.namespaced ? node.namespace : undefined, ref.name);
      return owner.metadata.uid !== ref.uid;
    } catch (e) {
      if (isStatus(e, 404)) return true;
      throw e;
    }
  }

  async function remove(node: Node, propagationPolicy: 'Background' | 'Foreground') {
    await client.delete(node.res, node.namespace, node.name, { propagationPolicy, preconditions: { uid: node.uid } }).catch(ignoreNotFound);
  }

  /** Re-reads the object (its uid must still match), edits it, and writes it back (409 → retried). */
  async function edit(node: Node, change: (obj: KubeObject) => boolean) {
    const obj = await client.get(node.res, node.namespace, node.name).catch(ignoreNotFound);
    if (!obj || obj.metadata.uid !== node.uid || !change(obj)) return;
    await client.update(node.res, node.namespace, obj).catch(ignoreNotFound);
  }

  async function orphan(depUid: string, ownerUid: string) {
    const dep = byUid.get(depUid);
    if (!dep) return;
    await edit(dep, (obj) => {
      const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
      if (refs.length === (obj.metadata.ownerReferences ?? []).length) return false;
      if (refs.length) obj.metadata.ownerReferences = refs;
      else delete obj.metadata.ownerReferences;
      return true;
    });
  }

  async function dropFinalizer(node: Node, finalizer: string) {
    await edit(node, (obj) => {
      const left = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      if (left.length === (obj.metadata.finalizers ?? []).length) return false;
      if (left.length) obj.metadata.finalizers = left;
      else delete obj.metadata.finalizers;
      return true;
    });
  }

  return {
    name: 'garbagecollector',
    async start() {
      await Promise.all(resources().map(watch));
      resync = setInterval(() => resources().forEach(watch), opts.resyncMs ?? 30_000);
      resync.unref?.();
    },
    stop() {
      if (resync) clearInterval(resync);
      for (const inf of informers.values()) inf.stop();
      queue.stop();
    },
  };
}

const metadataOnly = (o: KubeObject): KubeObject => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata });
