// The kubelet's pod logic, shared by every ContainerRuntime: one sync step drives a pod toward
// its spec (sandbox, init containers in order, app containers, restart policy with back-off,
// graceful termination) and reports the status it observed. Callers serialize syncs per pod.
import type { KubeObject } from '../kinds/types';
import type { ContainerRuntime, RuntimeContainer, Sandbox } from './runtime';
import { buildPodStatus, type ContainerAttempts } from './pod-status';
import { createProber } from './probes';
import { runPostStart, runPreStop } from './lifecycle-hooks';
import { createImagePulls } from './image-pulls';
import type { Container, PodSpec } from '../apimachinery/pod-types';
import type { PodStatusOut } from './pod-status';

export interface PodSyncDeps {
  runtime: ContainerRuntime;
  hostIP: string;
  podCIDR?: string;
  now: () => Date;
  /** First restart back-off after the immediate one (Kubernetes: 10 s); doubles up to 30×. */
  backoffBaseMs: number;
  /**
   * Records an event. Events with the same `series` (per pod, type and reason) are one Event whose
   * message, count and lastTimestamp follow the latest call (pull progress); others aggregate by message.
   */
  event(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, series?: string): void;
  /** Called with the freshly built status; the caller skips writes that change nothing. */
  writeStatus(pod: KubeObject, status: PodStatusOut): void;
  /** Deletes the API object once its containers are gone (grace period 0). */
  deletePod(pod: KubeObject): Promise<void>;
  /** Asks for another sync of this pod after `ms` (back-off expiry). */
  resyncAfter(pod: KubeObject, ms: number): void;
}

interface Backoff {
  delayMs: number;
  /** The exited container this back-off is for, and when it ends. */
  forId?: string;
  until?: number;
}

export interface PodSync {
  sync(pod: KubeObject): Promise<void>;
  /** The pod is gone from the API: remove what is left of it in the runtime. */
  forget(uid: string): Promise<void>;
  /** Containers were removed behind our back: they start again at once, as a kubelet does for a container it finds missing. */
  resetBackoff(uid: string): void;
  /** Stops probe timers (the kubelet is going away). */
  close(): void;
}

/** The typed slice of a pod the sandbox paths read. */
type PodView = {
  spec?: { initContainers?: { name: string }[]; containers?: { name: string }[] };
  status?: { phase?: string; podIP?: string };
};

/** A container still only created after this long had its start fail. */
const STUCK_CREATED_MS = 5_000;

const isTerminalPhase = (p: string | undefined) => p === 'Succeeded' || p === 'Failed';

export function createPodSync(d: PodSyncDeps): PodSync {
  const backoffs = new Map<string, Map<string, Backoff>>(); // pod uid → container name
  const scheme = d.runtime.version.split('://')[0];
  const maxBackoff = d.backoffBaseMs * 30;
  // Upstream resets a container's back-off after it ran 10 min (twice the 5 min cap) without trouble.
  const resetAfterMs = maxBackoff * 2;
  const pulls = createImagePulls({
    runtime: d.runtime,
    now: d.now,
    backoffBaseMs: d.backoffBaseMs,
    maxBackoffMs: maxBackoff,
    event: d.event,
    resyncAfter: d.resyncAfter,
  });
  // Probes and hooks need exec into containers: only runtimes that serve streams (Docker) run
  // them; on the simulated runtime probes count as passing (its annotation decides readiness).
  const streams = d.runtime.streams;
  const prober = streams && createProber({ streams, event: (...a) => d.event(...a), changed: (pod) => d.resyncAfter(pod, 0) });
  const hooks = streams && { streams, event: d.event };
  const podIPs = new Map<string, string>(); // pod uid → IP, for hooks run while starting
  const sandboxDelays = new Map<string, number>(); // pod uid → next sandbox retry delay
  const createDelays = new Map<string, number>(); // pod uid → next retry of a container the runtime would not make

  /**
   * The sandbox cannot be made (image missing, runtime down, network gone): say so on the pod
   * (event, condition) and try again with a doubling back-off instead of waiting for an event.
   */
  async function sandboxFailed(pod: KubeObject, err: unknown) {
    const uid = pod.metadata.uid!;
    const message = `Failed to create pod sandbox: ${String((err as Error)?.message ?? err).split('\n')[0]}`;
    d.event(pod, 'Warning', 'FailedCreatePodSandBox', message);
    const delay = sandboxDelays.get(uid) ?? Math.min(d.backoffBaseMs, 2_000);
    sandboxDelays.set(uid, Math.min(delay * 2, maxBackoff));
    d.resyncAfter(pod, delay);
    // A runtime that cannot even list (Docker down) leaves the last status alone: no flapping counts.
    const all = await Promise.resolve(d.runtime.listContainers(uid)).catch(() => undefined);
    if (!all) return;
    const v = pod as PodView;
    const named = (specs: { name: string }[] | undefined) => group(all.filter((c) => (specs ?? []).some((s) => s.name === c.name)));
    d.writeStatus(
      pod,
      buildPodStatus({
        pod,
        hostIP: d.hostIP,
        podIP: v.status?.podIP,
        scheme,
        init: named(v.spec?.initContainers),
        app: named(v.spec?.containers),
        initDone: !v.spec?.initContainers?.length,
        phase: v.status?.phase === 'Running' ? 'Running' : 'Pending',
        now: d.now(),
        sandboxError: { reason: 'FailedCreatePodSandBox', message },
      }),
    );
  }

  /** Stops a container, running its preStop hook first within the grace period. */
  async function stopWithHook(pod: KubeObject, c: RuntimeContainer, grace: number) {
    const podSpec = pod.spec as PodSpec | undefined;
    const all = [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])];
    const spec = all.find((s) => s.name === c.name);
    const left =
      hooks && spec ? await runPreStop(hooks, pod, spec, podIPs.get(pod.metadata.uid!) ?? pod.status?.podIP ?? '', grace) : grace;
    await d.runtime.stopContainer(c.id, left);
  }

  function group(list: RuntimeContainer[]): Map<string, ContainerAttempts> {
    const m = new Map<string, ContainerAttempts>();
    for (const c of [...list].sort((a, b) => b.attempt - a.attempt)) {
      const a = m.get(c.name) ?? {};
      if (!a.latest) a.latest = c;
      else if (!a.previous) a.previous = c;
      m.set(c.name, a);
    }
    return m;
  }

  /**
   * The runtime would not make or start a container (Docker's disk full, a bad mount): upstream's
   * waiting reason and "Error: …" Failed event, then another try with a doubling back-off.
   */
  function containerFailed(pod: KubeObject, reason: string, err: unknown): ContainerAttempts['waiting'] {
    const uid = pod.metadata.uid!;
    const message = String((err as Error)?.message ?? err).split('\n')[0];
    d.event(pod, 'Warning', 'Failed', `Error: ${message}`);
    const delay = createDelays.get(uid) ?? Math.min(d.backoffBaseMs, 2_000);
    createDelays.set(uid, Math.min(delay * 2, maxBackoff));
    d.resyncAfter(pod, delay);
    return { reason, message };
  }

  async function startContainer(
    pod: KubeObject,
    spec: Container,
    sandboxId: string,
    attempt: number,
    init: boolean,
    old?: RuntimeContainer[],
  ): Promise<ContainerAttempts['waiting']> {
    const waiting = await pulls.pull(pod, spec);
    if (waiting) return waiting;
    const uid = pod.metadata.uid!;
    let id: string;
    try {
      id = await d.runtime.createContainer({ podUid: uid, sandboxId, spec, attempt, init });
    } catch (e) {
      return containerFailed(pod, 'CreateContainerError', e);
    }
    d.event(pod, 'Normal', 'Created', `Created container: ${spec.name}`);
    try {
      await d.runtime.startContainer(id);
    } catch (e) {
      return containerFailed(pod, 'RunContainerError', e);
    }
    createDelays.delete(uid);
    d.event(pod, 'Normal', 'Started', `Started container ${spec.name}`);
    if (hooks && spec.lifecycle?.postStart && !(await runPostStart(hooks, pod, spec, podIPs.get(pod.metadata.uid!) ?? ''))) {
      await d.runtime.stopContainer(id, 0);
    }
    // Keep the previous attempt (for lastState and logs --previous); drop older ones.
    for (const c of old ?? []) if (c.name === spec.name && c.attempt < attempt - 1) await d.runtime.removeContainer(c.id);
    return undefined;
  }

  /** Restarts an exited container now or after its back-off; returns the back-off when waiting. */
  async function restart(
    pod: KubeObject,
    spec: Container,
    a: ContainerAttempts,
    sandboxId: string,
    init: boolean,
    all: RuntimeContainer[],
  ) {
    const uid = pod.metadata.uid!;
    const per = backoffs.get(uid) ?? new Map<string, Backoff>();
    backoffs.set(uid, per);
    const b = per.get(spec.name);
    const latest = a.latest!;
    if (b) {
      const ranMs = (latest.finishedAt?.getTime() ?? 0) - (latest.startedAt?.getTime() ?? Infinity);
      if (b.forId !== latest.id && ranMs >= resetAfterMs) {
        // It ran cleanly for long enough (Kubernetes: 10 min): the back-off starts over.
        per.set(spec.name, { delayMs: d.backoffBaseMs, forId: latest.id });
        a.waiting = await startContainer(pod, spec, sandboxId, latest.attempt + 1, init, all);
        return;
      }
      if (b.forId !== latest.id) {
        // A new crash: wait out the current delay from when it exited, then double it.
        b.forId = latest.id;
        b.until = (latest.finishedAt?.getTime() ?? d.now().getTime()) + b.delayMs;
        d.event(
          pod,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${spec.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${uid})`,
        );
      }
      const left = b.until! - d.now().getTime();
      if (left > 0) {
        d.resyncAfter(pod, left);
        a.backoff = { delayMs: b.delayMs };
        return;
      }
      b.delayMs = Math.min(b.delayMs * 2, maxBackoff);
    } else {
      per.set(spec.name, { delayMs: d.backoffBaseMs }); // the first restart is immediate
    }
    a.waiting = await startContainer(pod, spec, sandboxId, latest.attempt + 1, init, all);
  }

  async function terminate(pod: KubeObject) {
    const uid = pod.metadata.uid!;
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const containers = await d.runtime.listContainers(uid);
    for (const c of containers) {
      if (c.state !== 'running' && c.state !== 'created') continue;
      d.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
      await stopWithHook(pod, c, grace);
    }
    prober?.prune(uid);
    podIPs.delete(uid);
    sandboxDelays.delete(uid);
    createDelays.delete(uid);
    await d.runtime.removeSandbox(uid);
    backoffs.delete(uid);
    pulls.forget(uid);
    await d.deletePod(pod);
  }

  async function sync(pod: KubeObject) {
    if (pod.metadata.deletionTimestamp) return terminate(pod);
    const uid = pod.metadata.uid!;
    const podSpec = pod.spec as PodSpec | undefined;
    const policy = pod.spec?.restartPolicy ?? 'Always';
    // A finished pod this runtime knows nothing of (kubelet restarted) keeps its last status;
    // one it knows runs nothing again (its sandbox is not restarted, e.g. after Docker restarts).
    const prior = (pod as PodView).status;
    if (isTerminalPhase(prior?.phase) && !(await d.runtime.listSandboxes()).includes(uid)) return;
    let sb: Sandbox;
    if (isTerminalPhase(prior?.phase)) sb = { id: '', podIP: prior?.podIP ?? '' };
    else {
      try {
        sb = await d.runtime.ensureSandbox({ pod, podCIDR: d.podCIDR });
        sandboxDelays.delete(uid);
      } catch (err) {
        return sandboxFailed(pod, err);
      }
    }
    const podIP = pod.spec?.hostNetwork ? d.hostIP : sb.podIP;
    podIPs.set(uid, podIP);
    let all = await d.runtime.listContainers(uid);
    if (sb.created && all.length) {
      // The sandbox was removed behind our back: containers still in its old network namespace
      // are stopped, so the restart policy brings them up in the new one (upstream does the same).
      d.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      for (const c of all) if (c.state !== 'exited') await d.runtime.stopContainer(c.id, 0);
      all = await d.runtime.listContainers(uid);
    }
    const init = group(all.filter((c) => (podSpec?.initContainers ?? []).some((s) => s.name === c.name)));
    const app = group(all.filter((c) => (podSpec?.containers ?? []).some((s) => s.name === c.name)));
    let phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' = 'Pending';
    const wasTerminal = isTerminalPhase(pod.status?.phase);

    // Init containers, in order: each must exit 0 (sidecars: be started) before the next.
    let initDone = true;
    let failed = false;
    for (const spec of podSpec?.initContainers ?? []) {
      const a = init.get(spec.name) ?? {};
      init.set(spec.name, a);
      const c = a.latest;
      const sidecar = spec.restartPolicy === 'Always';
      if (wasTerminal) {
        initDone = !!c && c.state === 'exited';
        continue;
      }
      if (!c) {
        a.waiting = await startContainer(pod, spec, sb.id, 0, true);
        initDone = false;
        break;
      }
      if (c.state === 'running' && sidecar) continue;
      if (c.state === 'exited' && (c.exitCode ?? 0) === 0 && !sidecar) continue;
      if (c.state === 'exited') {
        if (policy === 'Never' && !sidecar) failed = true;
        else await restart(pod, spec, a, sb.id, true, all);
      }
      initDone = false;
      break;
    }

    if (initDone && !failed && !wasTerminal) {
      for (const spec of podSpec?.containers ?? []) {
        const a = app.get(spec.name) ?? {};
        app.set(spec.name, a);
        const c = a.latest;
        if (!c) a.waiting = await startContainer(pod, spec, sb.id, 0, false);
        else if (c.state === 'created' && d.now().getTime() - c.createdAt.getTime() > STUCK_CREATED_MS) {
          // Made but never started (the runtime failed mid-start, e.g. Docker restarting): start
          // it now, or remove it so the next sync makes the attempt again.
          await d.runtime.startContainer(c.id).catch(async (e: Error) => {
            d.event(pod, 'Warning', 'Failed', `Error: ${String(e?.message ?? e).split('\n')[0]}`);
            await d.runtime.removeContainer(c.id);
            d.resyncAfter(pod, 1000);
          });
        } else if (c.state === 'exited' && (policy === 'Always' || (policy === 'OnFailure' && (c.exitCode ?? 0) !== 0))) {
          await restart(pod, spec, a, sb.id, false, all);
        }
      }
      // Ephemeral (kubectl debug) containers start once and are never restarted.
      for (const spec of podSpec?.ephemeralContainers ?? []) {
        if (!all.some((c) => c.name === spec.name)) await startContainer(pod, spec, sb.id, 0, false);
      }
    }

    // Re-read: starting containers may have changed states (a zero start delay runs at once).
    const backoffOf = (m: Map<string, ContainerAttempts>) => new Map([...m].map(([k, v]) => [k, v]));
    const ib = backoffOf(init),
      ab = backoffOf(app);
    all = await d.runtime.listContainers(uid);
    const init2 = group(all.filter((c) => init.has(c.name) || (podSpec?.initContainers ?? []).some((s) => s.name === c.name)));
    const app2 = group(all.filter((c) => (podSpec?.containers ?? []).some((s) => s.name === c.name)));
    // Back-offs and start failures are the kubelet's, not the runtime's: carry them over.
    for (const [m, m2] of [
      [ib, init2],
      [ab, app2],
    ] as const) {
      for (const [k, v] of m) {
        if (!v.backoff && !v.waiting) continue;
        const a2 = m2.get(k) ?? {};
        m2.set(k, a2);
        if (v.backoff) a2.backoff = v.backoff;
        if (v.waiting) a2.waiting = v.waiting;
      }
    }

    if (prober) {
      // Probe verdicts: readiness sets the ready flag; a liveness/startup failure kills the
      // container, and the restart policy (next sync) brings it back.
      const keep = new Set<string>();
      for (const spec of podSpec?.containers ?? []) {
        const a = app2.get(spec.name);
        if (!a?.latest || a.latest.state !== 'running') continue;
        if (!spec.startupProbe && !spec.livenessProbe && !spec.readinessProbe) continue;
        keep.add(a.latest.id);
        const v = prober.ensure(pod, spec, a.latest, podIP);
        if (v.kill) {
          const grace = spec.livenessProbe?.terminationGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
          d.event(pod, 'Normal', 'Killing', `Container ${spec.name} failed ${v.kill} probe, will be restarted`);
          keep.delete(a.latest.id);
          await stopWithHook(pod, a.latest, grace);
          d.resyncAfter(pod, 0);
        }
        if (v.ready === false || v.kill) a.latest = { ...a.latest, ready: false };
      }
      prober.prune(uid, keep);
    }
    // Without a prober, a readiness probe's initialDelaySeconds still delays readiness.
    const nowMs = d.now().getTime();
    for (const [specs, m] of (prober
      ? []
      : [
          [podSpec?.containers ?? [], app2],
          [podSpec?.initContainers ?? [], init2],
        ]) as [Container[], Map<string, ContainerAttempts>][]) {
      for (const spec of specs) {
        const a = m.get(spec.name);
        const delay = (spec.readinessProbe?.initialDelaySeconds ?? 0) * 1000;
        if (!a?.latest || a.latest.state !== 'running' || !delay) continue;
        const left = (a.latest.startedAt?.getTime() ?? nowMs) + delay - nowMs;
        if (left > 0) {
          a.latest = { ...a.latest, ready: false };
          d.resyncAfter(pod, left);
        }
      }
    }

    const appList = (podSpec?.containers ?? []).map((s) => app2.get(s.name)?.latest);
    if (failed) phase = 'Failed';
    else if (wasTerminal) phase = pod.status.phase;
    else if (initDone && appList.length && appList.every((c: RuntimeContainer | undefined) => c?.state === 'exited')) {
      // Every entry is an exited container here.
      const willRestart = (c: RuntimeContainer | undefined) => policy === 'Always' || (policy === 'OnFailure' && (c?.exitCode ?? 0) !== 0);
      if (appList.some(willRestart)) phase = 'Running';
      else phase = appList.every((c) => (c?.exitCode ?? 0) === 0) ? 'Succeeded' : 'Failed';
    } else if (
      initDone &&
      appList.every((c: RuntimeContainer | undefined) => c && (c.state !== 'created' || c.attempt > 0)) &&
      appList.some((c: RuntimeContainer | undefined) => c?.state === 'running' || (c?.attempt ?? 0) > 0 || c?.state === 'exited')
    ) {
      phase = 'Running';
    }

    if (isTerminalPhase(phase) && !wasTerminal) {
      // A finished pod keeps its containers' records but runs nothing.
      for (const c of all) if (c.state !== 'exited') await d.runtime.stopContainer(c.id, 0);
      backoffs.delete(uid);
    }
    d.writeStatus(
      pod,
      buildPodStatus({
        pod,
        hostIP: d.hostIP,
        podIP,
        scheme,
        init: init2,
        app: app2,
        initDone: initDone && !failed,
        phase,
        now: d.now(),
        ephemeral: group(all.filter((c) => (podSpec?.ephemeralContainers ?? []).some((s) => s.name === c.name))),
      }),
    );
  }

  return {
    sync,
    async forget(uid) {
      backoffs.delete(uid);
      pulls.forget(uid);
      prober?.prune(uid);
      podIPs.delete(uid);
      sandboxDelays.delete(uid);
      createDelays.delete(uid);
      await d.runtime.removeSandbox(uid);
    },
    resetBackoff: (uid) => void backoffs.delete(uid),
    close: () => prober?.close(),
  };
}
