// DaemonSet controller: exactly one pod on every eligible node, following nodes as they join,
// change and leave. RollingUpdate replaces old pods while at most maxUnavailable nodes lack an
// available pod; OnDelete leaves them until the user deletes them. ControllerRevisions record
// each template (`kubectl rollout history ds/x`).
import type { KubeObject } from '../kinds/types';
import { R } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import { keyOf, splitKey } from '../client/informer';
import type { Controller, ControllerDeps } from './types';
import type { DaemonSetStatus } from '../apimachinery/workload-types';
import { REVISION_HASH_LABEL, scaledValue, syncRevisions, truncateHistory } from './controller-revision';
import { stableJson } from '../kinds/validation/validation';
import { createExpectations } from './util/expectations';
import { ignoreNotFound } from './util/not-found';
import { createOwnerIndex, observe } from './util/owner-index';
import { isPodAvailable, isPodReady, isPodTerminal } from './util/pod-predicates';
import { newDaemonPod, placement, targetNode } from './daemonset-nodes';

/** The parts of a node that decide where daemon pods go (heartbeats change none of them). */
const nodeShape = (n: KubeObject) => stableJson([n.metadata.labels, n.spec?.taints, n.metadata.deletionTimestamp]);

export function createDaemonSetController(deps: ControllerDeps): Controller {
  const { client, informers, events, log, now } = deps;
  const sets = informers.informer(R.daemonsets);
  const nodes = informers.informer(R.nodes);
  const podsInf = informers.informer(R.pods);
  const revisionsInf = informers.informer(R.controllerrevisions);
  const expectations = createExpectations(() => now().getTime());
  const queue = createWorkQueue({ sync, concurrency: 2, onError: (k, e) => log(`daemonset ${k}: ${(e as Error).message}`) });
  const pods = createOwnerIndex(podsInf, 'DaemonSet', (o, ref, change, old) => {
    const key = `${o.metadata.namespace}/${ref.name}`;
    observe(expectations, key, o, change, old);
    queue.add(key);
  });
  const revisions = createOwnerIndex(revisionsInf, 'DaemonSet');
  const enqueueAll = () => sets.list().forEach((d) => queue.add(keyOf(d)));
  // A daemon pod that keeps failing on a node is recreated after a growing delay (1 s .. 15 min).
  const failedBackoff = new Map<string, { count: number; until: number }>();

  async function sync(key: string): Promise<void> {
    const { ns, name } = splitKey(key);
    const ds = sets.get(ns, name);
    if (!ds) {
      expectations.forget(key);
      return;
    }
    if (ds.metadata.deletionTimestamp) return;
    const { update, all } = await syncRevisions(client, ds, { res: R.daemonsets, kind: 'DaemonSet' }, revisions.of(ds.metadata.uid));
    const hash = update.metadata.labels?.['controller.kubernetes.io/hash'] ?? update.metadata.name!.slice(name.length + 1);
    const owned = pods.of(ds.metadata.uid);
    if (expectations.satisfied(key)) await manage(key, ds, owned, hash);
    await writeStatus(ds, owned, hash);
    const inUse = new Set([update.metadata.name!, ...owned.map((p) => `${name}-${p.metadata.labels?.[REVISION_HASH_LABEL]}`)]);
    await truncateHistory(client, all, ds.spec.revisionHistoryLimit ?? 10, inUse);
  }

  /** Live (not deleting) daemon pods grouped by the node they are for. */
  function byNode(owned: KubeObject[]) {
    const m = new Map<string, KubeObject[]>();
    for (const p of owned) {
      if (p.metadata.deletionTimestamp) continue;
      const n = targetNode(p) ?? '';
      m.set(n, [...(m.get(n) ?? []), p]);
    }
    return m;
  }

  async function manage(key: string, ds: KubeObject, owned: KubeObject[], hash: string) {
    const perNode = byNode(owned);
    const deleting = new Set(owned.filter((p) => p.metadata.deletionTimestamp).map((p) => targetNode(p)));
    const create: string[] = [];
    const remove: KubeObject[] = [];
    const known = new Set<string>();
    for (const node of nodes.list()) {
      const n = node.metadata.name!;
      known.add(n);
      const { shouldRun, shouldContinue } = placement(ds, node);
      const here = perNode.get(n) ?? [];
      if (!shouldContinue) {
        remove.push(...here);
        continue;
      }
      const failed = here.filter(isPodTerminal);
      const bk = `${key}/${n}`;
      if (failed.length) {
        const count = (failedBackoff.get(bk)?.count ?? 0) + 1;
        failedBackoff.set(bk, { count, until: Date.now() + Math.min(900_000, 1000 * 2 ** (count - 1)) });
        remove.push(...failed); // replaced once the back-off passes
      }
      const running = here.filter((p) => !isPodTerminal(p));
      const waitMs = (failedBackoff.get(bk)?.until ?? 0) - Date.now();
      if (shouldRun && here.length === failed.length && !deleting.has(n)) {
        if (waitMs > 0) queue.addAfter(key, waitMs);
        else create.push(n);
      }
      if (running.some(isPodReady)) failedBackoff.delete(bk);
      if (running.length > 1) {
        // Keep the oldest (preferring the current template); the rest are duplicates.
        running.sort(
          (a, b) =>
            Number(b.metadata.labels?.[REVISION_HASH_LABEL] === hash) - Number(a.metadata.labels?.[REVISION_HASH_LABEL] === hash) ||
            (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
        );
        remove.push(...running.slice(1));
      }
    }
    // Pods for nodes that no longer exist have no kubelet to confirm their end: remove them at once.
    const gone = [...perNode].filter(([n]) => !known.has(n)).flatMap(([, ps]) => ps);

    if (ds.spec.updateStrategy?.type !== 'OnDelete' && !create.length && !remove.length) remove.push(...rollingVictims(ds, perNode, hash));

    for (const p of [...remove, ...gone]) {
      const uid = p.metadata.uid!;
      expectations.expectDeletions(key, [uid]);
      await client.delete(R.pods, p.metadata.namespace, p.metadata.name!, gone.includes(p) ? { gracePeriodSeconds: 0 } : {}).catch((e) => {
        expectations.deletionObserved(key, uid);
        return ignoreNotFound(e);
      });
      events.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
    }
    for (let i = 0; i < create.length; i += 50) {
      const batch = create.slice(i, i + 50);
      expectations.expectCreations(key, batch.length);
      await Promise.all(
        batch.map(async (n) => {
          try {
            const created = await client.create(R.pods, ds.metadata.namespace, newDaemonPod(ds, n, hash));
            events.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
          } catch (e) {
            expectations.lowerCreations(key, 1);
            events.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
            throw e;
          }
        }),
      );
    }
  }

  /** Old pods to replace now: unavailable ones freely, available ones within maxUnavailable. */
  function rollingVictims(ds: KubeObject, perNode: Map<string, KubeObject[]>, hash: string): KubeObject[] {
    const t = now();
    const minReady = ds.spec.minReadySeconds ?? 0;
    let desired = 0;
    let unavailable = 0;
    const oldAvailable: KubeObject[] = [];
    const oldUnavailable: KubeObject[] = [];
    for (const node of nodes.list()) {
      if (!placement(ds, node).shouldRun) continue;
      desired++;
      const p = (perNode.get(node.metadata.name!) ?? [])[0];
      const avail = !!p && isPodAvailable(p, minReady, t);
      if (!avail) unavailable++;
      if (p && p.metadata.labels?.[REVISION_HASH_LABEL] !== hash) (avail ? oldAvailable : oldUnavailable).push(p);
    }
    const maxUnavailable = Math.max(1, scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable, desired, true, 1));
    const budget = Math.max(0, maxUnavailable - unavailable);
    return [...oldUnavailable, ...oldAvailable.slice(0, budget)];
  }

  async function writeStatus(ds: KubeObject, owned: KubeObject[], hash: string) {
    const t = now();
    const minReady = ds.spec.minReadySeconds ?? 0;
    const perNode = byNode(owned);
    const s = { desired: 0, current: 0, mis: 0, ready: 0, available: 0, updated: 0 };
    for (const node of nodes.list()) {
      const { shouldRun } = placement(ds, node);
      const p = (perNode.get(node.metadata.name!) ?? []).filter((x) => !isPodTerminal(x))[0];
      if (!shouldRun) {
        if (p) s.mis++;
        continue;
      }
      s.desired++;
      if (!p) continue;
      s.current++;
      if (isPodReady(p)) s.ready++;
      if (isPodAvailable(p, minReady, t)) s.available++;
      if (p.metadata.labels?.[REVISION_HASH_LABEL] === hash) s.updated++;
    }
    const status: DaemonSetStatus = {
      observedGeneration: ds.metadata.generation,
      desiredNumberScheduled: s.desired,
      currentNumberScheduled: s.current,
      numberMisscheduled: s.mis,
      numberReady: s.ready,
      numberAvailable: s.available,
      numberUnavailable: s.desired - s.available,
      updatedNumberScheduled: s.updated,
    };
    if (s.ready > s.available) queue.addAfter(keyOf(ds), minReady * 1000);
    const old = ds.status ?? {};
    const keys = Object.keys(status) as (keyof DaemonSetStatus)[];
    if (keys.every((k) => stableJson(old[k] ?? 0) === stableJson(status[k] ?? 0))) return;
    await client.patch(R.daemonsets, ds.metadata.namespace, ds.metadata.name!, 'merge', { status }, { subresource: 'status' });
  }

  return {
    name: 'daemonset',
    start() {
      sets.addHandlers({
        add: (o) => queue.add(keyOf(o)),
        update: (_a, b) => queue.add(keyOf(b)),
        delete: (o) => queue.add(keyOf(o)),
      });
      nodes.addHandlers({
        add: enqueueAll,
        update: (a, b) => {
          if (nodeShape(a) !== nodeShape(b)) enqueueAll();
        },
        delete: enqueueAll,
      });
    },
    stop: () => queue.stop(),
  };
}
