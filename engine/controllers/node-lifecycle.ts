// Node lifecycle: watches node Leases; a node whose lease has not been renewed within the grace
// period gets Ready=Unknown ("Kubelet stopped posting node status."), its pods are marked not
// ready, and taints follow the Ready condition (unreachable/not-ready, NoExecute + NoSchedule;
// unschedulable:NoSchedule for cordoned nodes). Taint-based eviction lives in taint-eviction.ts.
// Pods bound to nodes that no longer exist are force-deleted (upstream's pod GC).
// A gap in this controller's own progress (the process stopped by a laptop's sleep, SIGSTOP, or
// the wall clock jumping) is our pause, not the nodes' failure: every lease gets a fresh grace
// period, so a resumed Skiff does not mark its own nodes Unknown and evict their pods.
import { splitKey } from '../client/informer';
import type { KubeObject } from '../kinds/types';
import { R, isStatus } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import type { Controller, ControllerDeps } from './types';
import type { Condition, Taint } from '../apimachinery/workload-types';

export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const MANAGED = new Set([TAINT_UNREACHABLE, TAINT_NOT_READY, TAINT_UNSCHEDULABLE]);
const UNKNOWN_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export interface NodeLifecycleOptions {
  /** How long a lease may go unrenewed before the node is Unknown (upstream default 40 s). */
  gracePeriodMs?: number;
  /** How often leases are checked (upstream 5 s). */
  monitorPeriodMs?: number;
}

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function readyCondition(node: KubeObject): Condition | undefined {
  return ((node.status?.conditions ?? []) as Condition[]).find((c) => c.type === 'Ready');
}

/** The taints a node should carry given its Ready condition and spec.unschedulable, keeping others (and existing timeAdded). */
export function desiredTaints(node: KubeObject, now: Date): Taint[] {
  const current: Taint[] = node.spec?.taints ?? [];
  const ready = readyCondition(node)?.status;
  const want: [string, Taint['effect']][] = [];
  if (ready === 'Unknown') want.push([TAINT_UNREACHABLE, 'NoExecute'], [TAINT_UNREACHABLE, 'NoSchedule']);
  else if (ready === 'False') want.push([TAINT_NOT_READY, 'NoExecute'], [TAINT_NOT_READY, 'NoSchedule']);
  if (node.spec?.unschedulable) want.push([TAINT_UNSCHEDULABLE, 'NoSchedule']);
  const out = current.filter((t) => !MANAGED.has(t.key) || want.some(([k, e]) => k === t.key && e === t.effect));
  for (const [key, effect] of want) {
    if (out.some((t) => t.key === key && t.effect === effect)) continue;
    out.push(effect === 'NoExecute' ? { key, effect, timeAdded: rfc3339(now) } : { key, effect });
  }
  return out;
}

/** Deps the lead may extend ControllerDeps with (all optional): the cluster-wide settings. */
export type NodeLifecycleDeps = ControllerDeps & { nodeGracePeriodMs?: number; nodeMonitorPeriodMs?: number };

export function createNodeLifecycleController(deps: NodeLifecycleDeps, opts: NodeLifecycleOptions = {}): Controller {
  const { client, informers, log, now, events } = deps;
  // SKIFF_NODE_GRACE_SECONDS: for acceptance tests of a whole cluster until the option is wired through.
  const envGrace = Number(process.env.SKIFF_NODE_GRACE_SECONDS) * 1000 || undefined;
  const grace = opts.gracePeriodMs ?? deps.nodeGracePeriodMs ?? envGrace ?? 40_000;
  const period = opts.monitorPeriodMs ?? deps.nodeMonitorPeriodMs ?? Math.min(5_000, Math.max(100, grace / 8));
  const nodes = informers.informer(R.nodes);
  const leases = informers.informer(R.leases, { namespace: 'kube-node-lease' });
  const pods = informers.informer(R.pods);
  /** When we last saw each node's lease renewed, by our clock (so skewed node clocks do not matter). */
  const lastSeen = new Map<string, { renewTime: string; at: number }>();
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`node-lifecycle ${k}: ${(e as Error).message}`) });
  let timer: NodeJS.Timeout | undefined;
  // Ticks come every `period`; a gap of several periods means this process was not running.
  const pauseGapMs = Math.max(3 * period, 2_000);
  let lastProgress = now().getTime();

  /** Detects our own pause; after one, lease ages restart from now (each node gets a full grace period). */
  function noteProgress(): void {
    const t = now().getTime();
    const gap = t - lastProgress;
    lastProgress = t;
    if (gap <= pauseGapMs && gap >= -pauseGapMs) return;
    for (const seen of lastSeen.values()) seen.at = t;
    log(`node-lifecycle: resumed after a ${Math.round(gap / 1000)} s gap in our own progress; node leases get a fresh grace period`);
  }

  function observe(name: string) {
    const lease = leases.get('kube-node-lease', name);
    const renew = lease?.spec?.renewTime ?? '';
    const seen = lastSeen.get(name);
    if (!seen || seen.renewTime !== renew) lastSeen.set(name, { renewTime: renew, at: now().getTime() });
  }

  async function sync(key: string) {
    if (key.startsWith('pod:')) return collectOrphan(key.slice(4));
    noteProgress();
    const cached = nodes.get(undefined, key);
    if (!cached) {
      lastSeen.delete(key);
      return;
    }
    observe(key);
    const t = now();
    const expired = t.getTime() - lastSeen.get(key)!.at > grace;
    let node = cached;
    if (expired && readyCondition(node)?.status !== 'Unknown' && !node.metadata.deletionTimestamp) {
      node = await markUnknown(node, t);
      await markPodsNotReady(key);
    }
    const taints = desiredTaints(node, t);
    if (JSON.stringify(taints) !== JSON.stringify(node.spec?.taints ?? [])) {
      const next = structuredClone(node);
      next.spec = { ...(next.spec ?? {}), taints };
      if (taints.length === 0) delete next.spec.taints;
      await client.update(R.nodes, undefined, next);
    }
  }

  async function markUnknown(node: KubeObject, t: Date): Promise<KubeObject> {
    const next = structuredClone(node);
    // A condition the node never reported starts with just its type and heartbeat.
    const conditions: Partial<Condition>[] = ((next.status ??= {}).conditions ??= []);
    for (const type of UNKNOWN_CONDITIONS) {
      let c = conditions.find((x) => x.type === type);
      if (!c) conditions.push((c = { type, lastHeartbeatTime: rfc3339(t) }));
      if (c.status === 'Unknown') continue;
      Object.assign(c, {
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastTransitionTime: rfc3339(t),
      });
    }
    const updated = await client.update(R.nodes, undefined, next, { subresource: 'status' });
    events.event(updated, 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
    log(`node-lifecycle: ${node.metadata.name} stopped renewing its lease; Ready=Unknown`);
    return updated;
  }

  /** Pods on an unreachable node: Ready=False and reason NodeLost (kubectl shows them Unknown once deleted). */
  async function markPodsNotReady(nodeName: string) {
    for (const pod of pods.list()) {
      if (pod.spec?.nodeName !== nodeName || ['Succeeded', 'Failed'].includes(pod.status?.phase)) continue;
      const next = structuredClone(pod);
      const t = rfc3339(now());
      const conditions: Condition[] = ((next.status ??= {}).conditions ??= []);
      for (const c of conditions)
        if (c.type === 'Ready' && c.status !== 'False') Object.assign(c, { status: 'False', lastTransitionTime: t });
      next.status.reason = 'NodeLost';
      next.status.message = `Node ${nodeName} which was running pod ${pod.metadata.name} is unresponsive`;
      await client.update(R.pods, pod.metadata.namespace, next, { subresource: 'status' }).catch((e) => {
        if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
      });
    }
  }

  /** Force-deletes a pod bound to a node that does not exist (checked against the API, not just the cache). */
  async function collectOrphan(podKey: string) {
    const { ns, name } = splitKey(podKey);
    const pod = pods.get(ns, name);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName || nodes.get(undefined, nodeName)) return;
    const exists = await client.get(R.nodes, undefined, nodeName).then(
      () => true,
      (e) => (isStatus(e, 404) ? false : Promise.reject(e)),
    );
    if (exists) return;
    log(`node-lifecycle: deleting pod ${podKey} of removed node ${nodeName}`);
    await client.delete(R.pods, ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } }).catch((e) => {
      if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
    });
  }

  function tick() {
    noteProgress();
    for (const n of nodes.list()) queue.add(n.metadata.name!);
  }

  return {
    name: 'node-lifecycle',
    start() {
      nodes.addHandlers({
        add: (n) => queue.add(n.metadata.name!),
        update: (_a, n) => queue.add(n.metadata.name!),
        delete: (n) => {
          queue.add(n.metadata.name!);
          for (const p of pods.list())
            if (p.spec?.nodeName === n.metadata.name) queue.add(`pod:${p.metadata.namespace}/${p.metadata.name}`);
        },
      });
      leases.addHandlers({ add: (l) => observe(l.metadata.name!), update: (_a, l) => observe(l.metadata.name!) });
      const orphanCheck = (p: KubeObject) => {
        const n = p.spec?.nodeName;
        // A node never seen may still be registering: wait as upstream's pod GC does (40 s) before deleting.
        if (n && nodes.hasSynced() && !nodes.get(undefined, n)) queue.addAfter(`pod:${p.metadata.namespace}/${p.metadata.name}`, 40_000);
      };
      pods.addHandlers({ add: orphanCheck, update: (_a, p) => orphanCheck(p) });
      timer = setInterval(tick, period);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      queue.stop();
    },
  };
}
