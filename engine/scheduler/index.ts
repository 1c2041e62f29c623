// The scheduler: watches pods, nodes, priority classes and namespaces through shared
// informers, keeps the node cache and scheduling queue current, and runs the scheduling loop
// (one pod at a time; binds in flight in parallel). See DESIGN.md, kube-scheduler framework.
import type { KubeClient } from '../client/types';
import { R } from '../client/types';
import { createInformerFactory, type InformerFactory } from '../client/informer-factory';
import { createEventRecorder } from '../client/event-recorder';
import type { KubeObject } from '../kinds/types';
import { createNodeCache, makePodInfo, podKey, workloadKey } from './node-cache';
import { createSchedulingQueue, type QueueOptions } from './queue';
import { createNominator } from './nominator';
import { createPriorityResolver } from './priority';
import { createNodeFinder } from './find-node';
import { createScheduleOne } from './schedule-one';
import type { Condition } from '../apimachinery/workload-types';

export interface SchedulerOptions {
  client: KubeClient;
  informers?: InformerFactory;
  log?: (line: string) => void;
  now?: () => Date;
  /** Back-off and retry timings (tests shorten them). */
  queue?: QueueOptions;
  /** Binding calls in flight at once. */
  maxBindsInFlight?: number;
}

export interface Scheduler {
  stop(): void;
  /** Queue sizes, bind calls finished (including failed ones), and time spent in scheduling cycles (ms, excludes API calls). */
  stats(): { active: number; backoff: number; unschedulable: number; bound: number; attempts: number; cycleMs: number; decideMs: number };
}

const SCHEDULER_NAME = 'default-scheduler';
const terminal = (p: KubeObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const ours = (p: KubeObject) => (p.spec?.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME;
const schedulingInputs = (p: KubeObject) => JSON.stringify([p.spec, p.metadata.labels]);
const ready = (n: KubeObject) => (n.status?.conditions ?? []).some((c: Condition) => c.type === 'Ready' && c.status === 'True');
const nodeInputs = (n: KubeObject) =>
  JSON.stringify([n.metadata.labels, n.spec?.taints, n.spec?.unschedulable, n.status?.allocatable, ready(n)]);

export async function startScheduler(opts: SchedulerOptions): Promise<Scheduler> {
  const log = opts.log ?? (() => {});
  const now = opts.now ?? (() => new Date());
  const ownFactory = !opts.informers;
  const informers = opts.informers ?? createInformerFactory(opts.client, log);
  const events = createEventRecorder({ client: opts.client, component: SCHEDULER_NAME, now, log });
  const cache = createNodeCache();
  const queue = createSchedulingQueue(opts.queue);
  const nominator = createNominator();
  const priorities = createPriorityResolver();
  const maxBinds = opts.maxBindsInFlight ?? 64;
  let stopped = false;
  let inFlight = 0;
  let bound = 0;
  let attempts = 0;
  let cycleMs = 0;
  let decideMs = 0;
  let slotWaiter: (() => void) | undefined;

  const podInf = informers.informer(R.pods);
  const nodeInf = informers.informer(R.nodes);
  const pcInf = informers.informer(R.priorityclasses);
  const nsInf = informers.informer(R.namespaces);
  const nsLabels = (ns: string) => nsInf.get(undefined, ns)?.metadata.labels;

  const scheduleOne = createScheduleOne({
    client: opts.client,
    cache,
    queue,
    finder: createNodeFinder(cache),
    nominator,
    events,
    log,
    now,
    nsLabels,
    onDecided: (ms) => void (decideMs += ms),
    onBindDone() {
      inFlight--;
      bound++;
      const w = slotWaiter;
      slotWaiter = undefined;
      w?.();
    },
  });

  function podChanged(old: KubeObject | undefined, pod: KubeObject) {
    if (stopped) return;
    const key = podKey(pod);
    const node = pod.spec?.nodeName;
    if (node) {
      queue.delete(key);
      nominator.delete(key);
      if (terminal(pod)) {
        if (cache.removePod(key)) queue.moveAll(); // its resources are free again
        return;
      }
      const prev = cache.getPod(key);
      // Status updates (kubelets) are frequent: reuse the parsed requests of the same pod.
      const same = prev && prev.pod.metadata.uid === pod.metadata.uid && prev.nodeName === node;
      cache.addPod(
        same ? { ...prev, pod, assumed: false, workload: workloadKey(pod) } : makePodInfo(pod, node, priorities.priorityOf(pod)),
      );
      // A bound pod's labels or termination can change other pods' affinity or room.
      if (
        prev &&
        !prev.assumed &&
        (pod.metadata.deletionTimestamp !== prev.pod.metadata.deletionTimestamp ||
          JSON.stringify(pod.metadata.labels) !== JSON.stringify(prev.pod.metadata.labels))
      )
        queue.moveAll();
      return;
    }
    if (cache.getPod(key)?.assumed) return; // binding in flight
    if (pod.metadata.deletionTimestamp || terminal(pod) || !ours(pod)) {
      queue.delete(key);
      return;
    }
    if (pod.spec?.schedulingGates?.length) {
      queue.delete(key); // gated: not ours to place until the gates are removed
      markGated(pod);
      return;
    }
    const nn = pod.status?.nominatedNodeName;
    if (nn && !nominator.nodeOf(key)) nominator.set(key, nn, priorities.priorityOf(pod), makePodInfo(pod, nn, 0).requests);
    queue.upsert(pod, key, priorities.priorityOf(pod), !!old && schedulingInputs(old) !== schedulingInputs(pod));
  }

  /** PodScheduled=False/SchedulingGated, as kube-scheduler reports gated pods. */
  function markGated(pod: KubeObject) {
    const cur = (pod.status?.conditions ?? []).find((c: Condition) => c.type === 'PodScheduled');
    if (cur?.reason === 'SchedulingGated') return;
    const condition = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'SchedulingGated',
      message: 'Scheduling is blocked due to non-empty scheduling gates',
      lastProbeTime: null,
      lastTransitionTime: now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
    };
    opts.client
      .patch(
        R.pods,
        pod.metadata.namespace,
        pod.metadata.name!,
        'strategic',
        { status: { conditions: [condition] } },
        { subresource: 'status' },
      )
      .catch((e) => log(`scheduler: gated ${podKey(pod)}: ${e.message}`));
  }

  podInf.addHandlers({
    add: (p) => podChanged(undefined, p),
    update: (o, p) => podChanged(o, p),
    delete(p) {
      if (stopped) return;
      const key = podKey(p);
      queue.delete(key);
      nominator.delete(key);
      if (cache.removePod(key)) queue.moveAll();
    },
  });
  nodeInf.addHandlers({
    add(n) {
      if (stopped) return;
      cache.setNode(n);
      queue.moveAll();
    },
    update(o, n) {
      if (stopped) return;
      cache.setNode(n);
      if (nodeInputs(o) !== nodeInputs(n)) queue.moveAll();
    },
    delete(n) {
      if (!stopped) cache.removeNode(n.metadata.name!);
    },
  });
  pcInf.addHandlers({
    add: (pc) => priorities.setClass(pc),
    update: (_o, pc) => priorities.setClass(pc),
    delete: (pc) => priorities.deleteClass(pc.metadata.name!),
  });

  async function loop() {
    // With a shared factory the caller starts it; wait for our caches before deciding anything.
    while (!stopped && ![podInf, nodeInf, pcInf, nsInf].every((i) => i.hasSynced())) await sleep(10);
    let sinceYield = 0;
    while (!stopped) {
      const qp = await queue.pop();
      if (!qp || stopped) return;
      const t0 = performance.now();
      try {
        attempts++;
        if (scheduleOne(qp)) inFlight++;
      } catch (e) {
        log(`scheduler: ${qp.key}: ${(e as Error).stack ?? e}`);
        queue.backoff(qp);
      }
      cycleMs += performance.now() - t0;
      // Let watch events and bind completions in between, and bound the binding pipeline.
      if (++sinceYield >= 32) {
        sinceYield = 0;
        await new Promise((r) => setImmediate(r));
      }
      while (inFlight >= maxBinds && !stopped) await new Promise<void>((r) => (slotWaiter = r));
    }
  }

  if (ownFactory) await informers.start();
  loop().catch((e) => log(`scheduler loop: ${e.stack ?? e}`));

  return {
    stop() {
      stopped = true;
      queue.close();
      slotWaiter?.();
      if (ownFactory) informers.stop();
    },
    stats: () => ({ ...queue.stats(), bound, attempts, cycleMs, decideMs }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
