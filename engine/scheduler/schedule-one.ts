// One pod through the scheduling cycle: build its context, find a node, assume it in the cache
// and bind asynchronously (so the next pod is scheduled while the API writes); or, when nothing
// fits, try preemption, then record FailedScheduling and the PodScheduled=False condition.
import type { KubeClient } from '../client/types';
import { R, isStatus } from '../client/types';
import type { EventRecorder } from '../client/event-recorder';
import type { KubeObject } from '../kinds/types';
import type { NodeCache } from './node-cache';
import { makePodInfo } from './node-cache';
import type { SchedulingQueue, QueuedPod } from './queue';
import type { Nominator } from './nominator';
import { buildPodContext } from './pod-context';
import { fitErrorMessage, type NodeFinder } from './find-node';
import { planPreemption, type PreemptionPlan } from './preemption';
import type { Condition } from '../apimachinery/workload-types';

export interface ScheduleDeps {
  client: KubeClient;
  cache: NodeCache;
  queue: SchedulingQueue;
  finder: NodeFinder;
  nominator: Nominator;
  events: EventRecorder;
  log: (line: string) => void;
  now: () => Date;
  nsLabels: (ns: string) => Record<string, string> | undefined;
  /** Called when a bind finishes (frees a slot in the binding pipeline). */
  onBindDone: () => void;
  /** Reports the time spent deciding (context + filter + score), without any API work. */
  onDecided?: (ms: number) => void;
}

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function createScheduleOne(d: ScheduleDeps) {
  const nominated = (node: string, priority: number, except: string) => d.nominator.held(node, priority, except);
  const nominatedAny = () => d.nominator.size() > 0;

  function bind(qp: QueuedPod, pod: KubeObject, node: string) {
    const { namespace: ns, name } = pod.metadata;
    const body = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace: ns },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    };
    d.client
      .createSubresource(R.pods, ns, name!, 'binding', body)
      .then(
        () => {
          d.queue.done(qp);
          d.events.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${node}`);
        },
        (err) => {
          if (d.cache.getPod(qp.key)?.assumed) d.cache.removePod(qp.key);
          if (isStatus(err, 404) || isStatus(err, 409)) {
            d.queue.done(qp); // gone, being deleted, or bound elsewhere: its watch event tells the rest
            return;
          }
          d.log(`scheduler: binding ${qp.key} to ${node}: ${err.message}`);
          d.queue.backoff(qp);
        },
      )
      .finally(d.onBindDone);
  }

  function recordFailure(qp: QueuedPod, message: string, nominatedNode?: string) {
    const pod = qp.pod;
    d.events.event(pod, 'Warning', 'FailedScheduling', message);
    const cur = (pod.status?.conditions ?? []).find((c: Condition) => c.type === 'PodScheduled');
    const sameCondition = cur?.status === 'False' && cur.reason === 'Unschedulable' && cur.message === message;
    if (sameCondition && (!nominatedNode || pod.status?.nominatedNodeName === nominatedNode)) return;
    const status: { conditions: Condition[]; nominatedNodeName?: string } = {
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message,
          lastProbeTime: null,
          lastTransitionTime: cur?.status === 'False' ? cur.lastTransitionTime : rfc3339(d.now()),
        },
      ],
    };
    if (nominatedNode) status.nominatedNodeName = nominatedNode;
    d.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name!, 'strategic', { status }, { subresource: 'status' }).catch((e) => {
      if (!isStatus(e, 404)) d.log(`scheduler: status of ${qp.key}: ${e.message}`);
    });
  }

  function preempt(pod: KubeObject, plan: PreemptionPlan) {
    for (const v of plan.victims) {
      const vp = v.pod;
      d.events.event(vp, 'Normal', 'Preempted', `Preempted by pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${plan.node}`);
      if (vp.metadata.deletionTimestamp) continue;
      d.client.delete(R.pods, vp.metadata.namespace, vp.metadata.name!).catch((e) => {
        if (!isStatus(e, 404)) d.log(`scheduler: preempting ${v.key}: ${e.message}`);
      });
    }
  }

  /** Terminating lower-priority pods on the nominated node: room is on its way, don't preempt again. */
  function waitingForVictims(pod: KubeObject, priority: number): boolean {
    const node = pod.status?.nominatedNodeName;
    const n = node ? d.cache.get(node) : undefined;
    if (!n) return false;
    for (const p of n.pods.values()) if (p.pod.metadata.deletionTimestamp && p.priority < priority) return true;
    return false;
  }

  /** Returns true when a binding call was started for the pod. */
  return function scheduleOne(qp: QueuedPod): boolean {
    const pod = qp.pod;
    if (pod.spec?.nodeName || pod.metadata.deletionTimestamp) {
      d.queue.done(qp);
      return false;
    }
    const t0 = performance.now();
    const ctx = buildPodContext(pod, qp.priority, { cache: d.cache, nsLabels: d.nsLabels, nominated, nominatedAny });
    const nominatedNode = d.nominator.nodeOf(qp.key) ?? pod.status?.nominatedNodeName;
    const r = d.finder.find(ctx, nominatedNode);
    d.onDecided?.(performance.now() - t0);
    if (r.node !== undefined) {
      d.nominator.delete(qp.key);
      d.cache.addPod(makePodInfo(pod, r.node, qp.priority, true));
      bind(qp, pod, r.node);
      return true;
    }
    if (r.numNodes === 0) {
      recordFailure(qp, 'no nodes available to schedule pods');
      d.queue.unschedulable(qp);
      return false;
    }
    let message = fitErrorMessage(r.numNodes, r.failures.values());
    if (waitingForVictims(pod, qp.priority)) {
      message += ' preemption: not eligible due to a terminating pod on the nominated node.';
      recordFailure(qp, message);
    } else {
      const p = planPreemption(ctx, d.cache.nodes(), r.failures);
      if (p.plan) {
        d.nominator.set(qp.key, p.plan.node, qp.priority, ctx.requests);
        preempt(pod, p.plan);
        recordFailure(qp, message, p.plan.node);
      } else {
        recordFailure(qp, `${message} ${p.message}`);
      }
    }
    d.queue.unschedulable(qp);
    return false;
  };
}
