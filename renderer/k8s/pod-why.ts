// The one line on top of a pod's panel that says why it is not running or not ready, from its
// status and (when the status alone does not say) its latest Warning events: scheduling,
// image pulls, the sandbox, probes, crashes with their last exit code, OOM kills.
import { eventTime, type KubeEvent } from './events';
import type { KubeObject } from './types';

export interface PodWhy {
  /** The reason as Kubernetes names it (ErrImagePull, Unschedulable, CrashLoopBackOff, ...). */
  reason: string;
  message: string;
  tone: 'bad' | 'warn';
}

interface Terminated {
  exitCode?: number;
  reason?: string;
  message?: string;
}

interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: Terminated;
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface PodStatus {
  phase?: string;
  reason?: string;
  message?: string;
  conditions?: Condition[];
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

const pullReasons = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable']);
const startReasons = new Set([
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreStartHookError',
  'PostStartHookError',
]);

function latestWarning(events: KubeEvent[], match: (e: KubeEvent) => boolean = () => true): KubeEvent | undefined {
  return events.filter((e) => e.type === 'Warning' && match(e)).sort((a, b) => eventTime(b) - eventTime(a))[0];
}

function exitText(t: Terminated): string {
  const code = `exit code ${t.exitCode ?? '?'}`;
  return t.reason && t.reason !== 'Error' ? `${code} (${t.reason})` : code;
}

function pullFailure(st: ContainerStatus, reason: string, message: string, events: KubeEvent[]): PodWhy {
  if (reason === 'ErrImagePull' || reason === 'ImagePullBackOff') {
    // Our kubelet carries the pull error inside the back-off message; upstream ones put it in a Failed event.
    const inline = /ErrImagePull: (.*)$/s.exec(message)?.[1];
    const event = latestWarning(events, (e) => e.reason === 'Failed' && /pull/i.test(e.message ?? ''))?.message;
    const detail = (reason === 'ErrImagePull' ? message : undefined) || inline || event || message;
    const suffix = reason === 'ImagePullBackOff' ? ' (retrying with back-off)' : '';
    return { reason: 'ErrImagePull', message: `${detail || `cannot pull the image of container ${st.name}`}${suffix}`, tone: 'bad' };
  }
  return { reason, message: message || `cannot use the image of container ${st.name}`, tone: 'bad' };
}

function containerProblem(st: ContainerStatus, events: KubeEvent[]): PodWhy | undefined {
  const waiting = st.state?.waiting;
  const last = st.lastState?.terminated;
  const done = st.state?.terminated;
  if (waiting?.reason && pullReasons.has(waiting.reason)) return pullFailure(st, waiting.reason, waiting.message ?? '', events);
  if (waiting?.reason && startReasons.has(waiting.reason))
    return { reason: waiting.reason, message: waiting.message || `container ${st.name} could not start`, tone: 'bad' };
  if (done?.reason === 'OOMKilled' || (!st.state?.running && last?.reason === 'OOMKilled'))
    return {
      reason: 'OOMKilled',
      message: `container ${st.name} used more memory than its limit and was killed (restarted ${st.restartCount ?? 0} times)`,
      tone: 'bad',
    };
  if (waiting?.reason === 'CrashLoopBackOff') {
    // The kubelet's message ("back-off 20s restarting failed container=…") carries the current delay.
    const delay = /^back-off (\S+) restarting/i.exec(waiting.message ?? '')?.[1];
    return {
      reason: 'CrashLoopBackOff',
      message: `container ${st.name} keeps exiting: last ${last ? exitText(last) : 'exit unknown'}${last?.message ? `: ${last.message}` : ''}; restarted ${st.restartCount ?? 0} times; waiting to restart (back-off${delay ? ` ${delay}` : ''})`,
      tone: 'bad',
    };
  }
  if (done && done.exitCode !== 0)
    return {
      reason: done.reason || 'Error',
      message: `container ${st.name} ended with ${exitText(done)}${done.message ? `: ${done.message}` : ''}`,
      tone: 'bad',
    };
  return undefined;
}

export function podWhy(pod: KubeObject, events: KubeEvent[] = []): PodWhy | undefined {
  const status = (pod.status ?? {}) as PodStatus;
  const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  const phase = status.phase ?? 'Pending';
  if (pod.metadata.deletionTimestamp || phase === 'Succeeded') return undefined;
  const conditions = status.conditions ?? [];
  const cond = (type: string) => conditions.find((c) => c.type === type);
  if (phase === 'Failed') return { reason: status.reason || 'Failed', message: status.message || 'the pod failed', tone: 'bad' };

  const scheduled = cond('PodScheduled');
  if (!nodeName && scheduled?.status === 'False')
    return { reason: scheduled.reason || 'Unschedulable', message: scheduled.message || 'no node can take it', tone: 'bad' };
  if (!nodeName) {
    const w = latestWarning(events, (e) => e.reason === 'FailedScheduling');
    return w
      ? { reason: 'FailedScheduling', message: w.message ?? '', tone: 'bad' }
      : { reason: 'Pending', message: 'waiting for the scheduler to pick a node', tone: 'warn' };
  }

  const all = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  for (const st of all) {
    const p = containerProblem(st, events);
    if (p) return p;
  }

  // The sandbox (pod network, pause container) comes before any container.
  const sandbox = cond('PodReadyToStartContainers');
  const sandboxEvent = latestWarning(events, (e) => /Sandbox/i.test(e.reason ?? ''));
  if (phase === 'Pending' && (sandbox?.status === 'False' || sandboxEvent)) {
    return sandboxEvent
      ? { reason: sandboxEvent.reason ?? 'FailedCreatePodSandBox', message: sandboxEvent.message ?? '', tone: 'bad' }
      : { reason: 'ContainerCreating', message: 'the pod sandbox is not ready yet', tone: 'warn' };
  }
  if (phase === 'Pending') {
    const w = latestWarning(events);
    if (w) return { reason: w.reason ?? 'Warning', message: w.message ?? '', tone: 'bad' };
    const waiting = all.find((s) => s.state?.waiting)?.state?.waiting;
    return { reason: waiting?.reason ?? 'Pending', message: waiting?.message ?? 'the containers are being created', tone: 'warn' };
  }

  const ready = cond('Ready');
  if (phase === 'Running' && ready?.status === 'False') {
    const probe = latestWarning(events, (e) => e.reason === 'Unhealthy');
    if (probe) return { reason: 'Unhealthy', message: probe.message ?? 'a probe fails', tone: 'warn' };
    const notReady = all.filter((s) => !s.ready && s.state?.running).map((s) => s.name);
    const last = all.find((s) => s.lastState?.terminated)?.lastState?.terminated;
    return {
      reason: 'NotReady',
      message: notReady.length
        ? `container ${notReady.join(', ')} is running but not ready (readiness probe)${last ? `; last ${exitText(last)}` : ''}`
        : ready.message || 'not every container is ready',
      tone: 'warn',
    };
  }
  return undefined;
}
