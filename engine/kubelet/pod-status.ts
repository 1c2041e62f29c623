// Builds a pod's status from what the runtime reports plus the kubelet's restart bookkeeping.
// Pure: the same inputs give the same status, so unchanged pods cause no API writes.
import type { KubeObject } from '../kinds/types';
import type { RuntimeContainer } from './runtime';
import type { Container } from '../apimachinery/pod-types';
import type { Condition } from '../apimachinery/workload-types';

export const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The last two attempts of one container (latest first), as the pod worker groups them. */
export interface ContainerAttempts {
  latest?: RuntimeContainer;
  previous?: RuntimeContainer;
  /** Set while the latest exit waits out a restart back-off. */
  backoff?: { delayMs: number };
  /** Why a new attempt could not start (ErrImagePull, ImagePullBackOff). */
  waiting?: { reason: string; message?: string };
}

export interface PodStatusInput {
  pod: KubeObject;
  hostIP: string;
  podIP?: string;
  /** Runtime scheme for containerID, e.g. "skiff-simulated". */
  scheme: string;
  init: Map<string, ContainerAttempts>;
  app: Map<string, ContainerAttempts>;
  /** Ephemeral (kubectl debug) containers: never restarted, never ready. */
  ephemeral?: Map<string, ContainerAttempts>;
  initDone: boolean;
  /** Name of the init container that failed with restartPolicy Never (pod Failed). */
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  now: Date;
  /** Why the pod's sandbox could not be made (PodReadyToStartContainers says it). */
  sandboxError?: { reason: string; message: string };
}

function terminated(c: RuntimeContainer, scheme: string) {
  return {
    terminated: {
      exitCode: c.exitCode ?? 0,
      reason: c.reason ?? ((c.exitCode ?? 0) === 0 ? 'Completed' : 'Error'),
      ...(c.message ? { message: c.message } : {}),
      startedAt: c.startedAt ? rfc3339(c.startedAt) : null,
      finishedAt: c.finishedAt ? rfc3339(c.finishedAt) : null,
      containerID: `${scheme}://${c.id}`,
    },
  };
}

type StatusState = { waiting: { reason: string; message?: string } } | { running: { startedAt: string } } | ReturnType<typeof terminated>;

function containerStatus(
  spec: Container,
  a: ContainerAttempts,
  pod: KubeObject,
  scheme: string,
  waitingReason: string,
  init: boolean,
  sidecar: boolean,
) {
  const c = a.latest;
  let state: StatusState;
  if (a.waiting && c?.state !== 'running') state = { waiting: a.waiting };
  else if (!c || c.state === 'created') state = { waiting: { reason: waitingReason } };
  else if (c.state === 'running') state = { running: { startedAt: rfc3339(c.startedAt ?? c.createdAt) } };
  else if (a.backoff) {
    const secs = Math.round(a.backoff.delayMs / 1000);
    state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${secs < 60 ? `${secs}s` : `${Math.floor(secs / 60)}m${secs % 60}s`} restarting failed container=${spec.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
      },
    };
  } else state = terminated(c, scheme);
  const running = c?.state === 'running';
  const ready = init && !sidecar ? c?.state === 'exited' && (c.exitCode ?? 0) === 0 : running && c?.ready !== false;
  return {
    name: spec.name,
    state,
    lastState: a.previous?.state === 'exited' ? terminated(a.previous, scheme) : {},
    ready,
    restartCount: c?.attempt ?? 0,
    image: spec.image ?? '',
    imageID: c?.imageID ?? '',
    ...(c ? { containerID: `${scheme}://${c.id}` } : {}),
    started: init && !sidecar ? false : running,
  };
}

function condition(old: Condition[], type: string, status: boolean, now: Date, reason?: string, message?: string): Condition {
  const s = status ? ('True' as const) : ('False' as const);
  const prev = old.find((c) => c.type === type);
  return {
    type,
    status: s,
    lastProbeTime: null,
    lastTransitionTime: prev && prev.status === s ? prev.lastTransitionTime : rfc3339(now),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

/** The status the kubelet writes for a pod. */
export interface PodStatusOut {
  phase: PodStatusInput['phase'];
  conditions: Condition[];
  hostIP: string;
  hostIPs: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime: string;
  initContainerStatuses?: ReturnType<typeof containerStatus>[];
  containerStatuses: ReturnType<typeof containerStatus>[];
  ephemeralContainerStatuses?: ReturnType<typeof containerStatus>[];
  qosClass: string;
  nominatedNodeName?: string;
}

export function buildPodStatus(i: PodStatusInput): PodStatusOut {
  const { pod, now, scheme } = i;
  const old = pod.status ?? {};
  const oldConds: Condition[] = old.conditions ?? [];
  const initSpecs: Container[] = pod.spec?.initContainers ?? [];
  const appSpecs: Container[] = pod.spec?.containers ?? [];
  const terminal = i.phase === 'Succeeded' || i.phase === 'Failed';

  const initStatuses = initSpecs.map((s) =>
    containerStatus(s, i.init.get(s.name) ?? {}, pod, scheme, 'PodInitializing', true, s.restartPolicy === 'Always'),
  );
  const appStatuses = appSpecs.map((s) =>
    containerStatus(s, i.app.get(s.name) ?? {}, pod, scheme, i.initDone ? 'ContainerCreating' : 'PodInitializing', false, false),
  );

  const incompleteInit = initStatuses.filter((s) => !s.ready).map((s) => s.name);
  const unready = [
    ...initStatuses.filter((s, n) => initSpecs[n].restartPolicy === 'Always' && !s.ready),
    ...appStatuses.filter((s) => !s.ready),
  ].map((s) => s.name);
  const allReady = unready.length === 0 && !terminal;
  const notReadyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMsg = terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`;

  const conditions: Condition[] = [
    i.sandboxError
      ? condition(oldConds, 'PodReadyToStartContainers', false, now, i.sandboxError.reason, i.sandboxError.message)
      : condition(oldConds, 'PodReadyToStartContainers', !terminal || !!i.podIP, now),
    i.initDone
      ? condition(oldConds, 'Initialized', true, now, terminal && initSpecs.length ? 'PodCompleted' : undefined)
      : condition(
          oldConds,
          'Initialized',
          false,
          now,
          'ContainersNotInitialized',
          `containers with incomplete status: [${incompleteInit.join(' ')}]`,
        ),
    allReady ? condition(oldConds, 'Ready', true, now) : condition(oldConds, 'Ready', false, now, notReadyReason, notReadyMsg),
    allReady
      ? condition(oldConds, 'ContainersReady', true, now)
      : condition(oldConds, 'ContainersReady', false, now, notReadyReason, notReadyMsg),
  ];
  // Conditions other writers own (PodScheduled from binding, DisruptionTarget, readiness gates) stay.
  const mine = new Set(conditions.map((c) => c.type));
  for (const c of oldConds) if (!mine.has(c.type)) conditions.push(c);
  if (!conditions.some((c) => c.type === 'PodScheduled')) conditions.push(condition(oldConds, 'PodScheduled', true, now));

  const status: PodStatusOut = {
    phase: i.phase,
    conditions,
    hostIP: i.hostIP,
    hostIPs: [{ ip: i.hostIP }],
    ...(i.podIP ? { podIP: i.podIP, podIPs: [{ ip: i.podIP }] } : {}),
    startTime: old.startTime ?? rfc3339(now),
    ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: appStatuses,
    ...(pod.spec?.ephemeralContainers?.length
      ? {
          ephemeralContainerStatuses: pod.spec.ephemeralContainers.map((s: Container) => ({
            ...containerStatus(s, i.ephemeral?.get(s.name) ?? {}, pod, scheme, 'ContainerCreating', false, false),
            ready: false,
          })),
        }
      : {}),
    qosClass: old.qosClass ?? 'BestEffort',
  };
  // reason/message (e.g. NodeLost from node lifecycle) describe a state this status replaces.
  if (old.nominatedNodeName !== undefined) status.nominatedNodeName = old.nominatedNodeName;
  return status;
}

/** The parts of a stored pod status that keepStored reads. */
export interface StoredStatus {
  startTime?: string;
  conditions?: Condition[];
}

/**
 * A sync builds its status from the pod as it was when the sync began. When a write landed
 * meanwhile (usually the kubelet's own previous one), that snapshot can lack what the API already
 * holds, and the kubelet writes the whole status:
 * - a fresh "now" replaced the start time and transition times, and the next sync, begun from
 *   the other snapshot, put the first times back: two writes a pod, forever. The stored times
 *   win, as upstream's status manager keeps them.
 * - a condition another writer added meanwhile (DisruptionTarget, a readiness gate) was dropped.
 *   Every type the kubelet owns is in its status, so a stored type missing from it is someone
 *   else's and stays.
 */
export function keepStored(status: PodStatusOut, stored: StoredStatus | undefined): PodStatusOut {
  if (!stored) return status;
  const conditions = status.conditions.map((c) => {
    const was = stored.conditions?.find((s) => s.type === c.type);
    return was && was.status === c.status && was.lastTransitionTime && was.lastTransitionTime !== c.lastTransitionTime
      ? { ...c, lastTransitionTime: was.lastTransitionTime }
      : c;
  });
  for (const c of stored.conditions ?? []) if (!conditions.some((x) => x.type === c.type)) conditions.push(c);
  return { ...status, conditions, startTime: stored.startTime ?? status.startTime };
}
