// What `kubectl get pods` shows in READY, STATUS and RESTARTS. The API server computes these
// cells (server-side printing), so the rules here mirror the upstream pod printer: init
// containers first ("Init:0/2", "Init:CrashLoopBackOff"), then app containers from last to
// first so the first container's waiting/terminated reason wins, then deletion states.
import type { KubeObject } from './types';
import type { Condition, ContainerSpecFields, ContainerStateTerminated, ContainerStatus } from '../apimachinery/workload-types';
import { timestampSince } from './human-duration';

/** Reason set by the node lifecycle controller on pods of an unreachable node. */
const NODE_UNREACHABLE_REASON = 'NodeLost';

export interface PodSummary {
  /** "ready/total", e.g. "1/2". */
  ready: string;
  /** The STATUS cell: Running, Pending, ContainerCreating, Completed, CrashLoopBackOff, Init:0/1, Terminating, ... */
  status: string;
  /** The RESTARTS cell: "0", or "3 (5m ago)" when the last restart's time is known. */
  restarts: string;
}

function isRestartableInit(container: ContainerSpecFields | undefined): boolean {
  // Sidecar containers: init containers with restartPolicy Always keep running.
  return container?.restartPolicy === 'Always';
}

function conditionTrue(pod: KubeObject, type: string): boolean {
  return ((pod.status?.conditions ?? []) as Condition[]).some((c) => c.type === type && c.status === 'True');
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (!b) return a;
  if (!a) return b;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

function terminatedReason(t: ContainerStateTerminated, prefix: string): string {
  if (t.reason) return prefix + t.reason;
  if (t.signal) return `${prefix}Signal:${t.signal}`;
  return `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

/** Computes READY, STATUS and RESTARTS for one pod. `now` is ms since epoch (for "(5m ago)"). */
export function summarizePod(pod: KubeObject, now: number): PodSummary {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const initSpecs: ContainerSpecFields[] = spec.initContainers ?? [];
  const initByName = new Map(initSpecs.map((c) => [c.name, c]));

  const total = ((spec.containers ?? []) as unknown[]).length + initSpecs.filter(isRestartableInit).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: string | undefined;
  let lastSidecarRestart: string | undefined;

  let reason: string = status.reason || status.phase || '';
  if (((status.conditions ?? []) as Condition[]).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }

  let initializing = false;
  const initStatuses: ContainerStatus[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const finishedAt = cs.lastState?.terminated?.finishedAt;
    restarts += cs.restartCount ?? 0;
    lastRestart = later(lastRestart, finishedAt);
    const sidecar = isRestartableInit(initByName.get(cs.name));
    if (sidecar) {
      sidecarRestarts += cs.restartCount ?? 0;
      lastSidecarRestart = later(lastSidecarRestart, finishedAt);
    }
    const state = cs.state ?? {};
    if (state.terminated && (state.terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && cs.started) {
      if (cs.ready) ready++;
      continue;
    }
    if (state.terminated) {
      reason = terminatedReason(state.terminated, 'Init:');
    } else if (state.waiting?.reason && state.waiting.reason !== 'PodInitializing') {
      reason = 'Init:' + state.waiting.reason;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(pod, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses: ContainerStatus[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      const state = cs.state ?? {};
      restarts += cs.restartCount ?? 0;
      lastRestart = later(lastRestart, cs.lastState?.terminated?.finishedAt);
      if (state.waiting?.reason) {
        reason = state.waiting.reason;
      } else if (state.terminated) {
        reason = terminatedReason(state.terminated, '');
      } else if (cs.ready && state.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose finished containers say "Completed" while others still run is not done.
    if (reason === 'Completed' && hasRunning) {
      reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && status.reason === NODE_UNREACHABLE_REASON) {
    reason = 'Unknown';
  } else if (deleting && status.phase !== 'Succeeded' && status.phase !== 'Failed') {
    reason = 'Terminating';
  }

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart) restartsText = `${restarts} (${timestampSince(lastRestart, now)} ago)`;
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

/** "<true>/<gates>" for the READINESS GATES wide column, "<none>" without gates. */
export function readinessGates(pod: KubeObject): string {
  const gates: { conditionType: string }[] = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions: Condition[] = pod.status?.conditions ?? [];
  let ok = 0;
  for (const gate of gates) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (c?.status === 'True') ok++;
  }
  return `${ok}/${gates.length}`;
}
