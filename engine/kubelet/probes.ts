// Probe workers, one per running container: startupProbe gates liveness and readiness;
// readiness sets the container's ready flag; liveness (and startup) failures ask the pod sync
// to kill the container so the restart policy restarts it. Results are read by the sync,
// which is kicked whenever a verdict changes.
import type { KubeObject } from '../kinds/types';
import type { RuntimeContainer } from './runtime';
import type { NodeStreams } from '../client/node-streams';
import { runAction } from './probe-actions';
import type { Container, Probe } from '../apimachinery/pod-types';

export interface ProberDeps {
  streams: NodeStreams;
  event(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** A verdict changed: sync this pod again. */
  changed(pod: KubeObject): void;
}

export interface ProbeVerdict {
  /** false while the readiness probe has not passed (undefined: no readiness probe). */
  ready?: boolean;
  /** Set once liveness/startup failed past its threshold: "liveness" or "startup". */
  kill?: 'liveness' | 'startup';
}

export interface Prober {
  /** Starts workers for a running container (idempotent) and returns its current verdict. */
  ensure(pod: KubeObject, spec: Container, c: RuntimeContainer, podIP: string): ProbeVerdict;
  /** Stops workers for this pod's containers not in `keep` (all when omitted). */
  prune(podUid: string, keep?: Set<string>): void;
  close(): void;
}

type Kind = 'startup' | 'liveness' | 'readiness';
const LABEL: Record<Kind, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

interface Worker {
  podUid: string;
  pod: KubeObject;
  verdict: ProbeVerdict;
  started: boolean;
  timers: Set<NodeJS.Timeout>;
  stopped: boolean;
  /** Liveness and readiness begin once the startup probe (if any) has passed. */
  afterStartup?: () => void;
}

const settings = (p: Probe) => ({
  delayMs: Math.max(0, p.initialDelaySeconds ?? 0) * 1000,
  periodMs: Math.max(1, p.periodSeconds ?? 10) * 1000,
  timeoutMs: Math.max(1, p.timeoutSeconds ?? 1) * 1000,
  success: Math.max(1, p.successThreshold ?? 1),
  failure: Math.max(1, p.failureThreshold ?? 3),
});

export function createProber(d: ProberDeps): Prober {
  const workers = new Map<string, Worker>(); // by container id

  function loop(w: Worker, kind: Kind, probe: Probe, spec: Container, podIP: string, startedAt: number) {
    const s = settings(probe);
    let ok = 0,
      bad = 0;
    const schedule = (ms: number) => {
      if (w.stopped) return;
      const t = setTimeout(() => {
        w.timers.delete(t);
        void tick();
      }, ms);
      w.timers.add(t);
    };
    const tick = async () => {
      if (w.stopped) return;
      const r = await runAction(probe, { streams: d.streams, pod: w.pod, spec, podIP }, s.timeoutMs);
      if (w.stopped) return;
      if (r.ok) {
        ok++;
        bad = 0;
      } else {
        bad++;
        ok = 0;
      }
      if (!r.ok) d.event(w.pod, 'Warning', 'Unhealthy', `${LABEL[kind]} probe failed: ${r.message}`);
      if (kind === 'startup') {
        if (ok >= s.success) {
          w.started = true;
          w.afterStartup?.();
          return; // a startup probe stops once it passed
        }
        if (bad >= s.failure) return kill(w, 'startup');
      } else if (kind === 'liveness') {
        if (bad >= s.failure) return kill(w, 'liveness');
      } else {
        const before = w.verdict.ready;
        if (ok >= s.success) w.verdict.ready = true;
        if (bad >= s.failure) w.verdict.ready = false;
        if (before !== w.verdict.ready) d.changed(w.pod);
      }
      schedule(s.periodMs);
    };
    schedule(Math.max(0, startedAt + s.delayMs - Date.now()));
  }

  function kill(w: Worker, why: 'liveness' | 'startup') {
    w.verdict.kill = why;
    stop(w);
    d.changed(w.pod);
  }

  function stop(w: Worker) {
    w.stopped = true;
    for (const t of w.timers) clearTimeout(t);
    w.timers.clear();
  }

  return {
    ensure(pod, spec, c, podIP) {
      const found = workers.get(c.id);
      if (found) {
        found.pod = pod;
        return found.verdict;
      }
      const w: Worker = { podUid: pod.metadata.uid!, pod, verdict: {}, started: !spec.startupProbe, timers: new Set(), stopped: false };
      if (spec.readinessProbe) w.verdict.ready = false;
      workers.set(c.id, w);
      const startedAt = c.startedAt?.getTime() ?? Date.now();
      const rest = () => {
        const from = spec.startupProbe ? Date.now() : startedAt;
        if (spec.livenessProbe) loop(w, 'liveness', spec.livenessProbe, spec, podIP, from);
        if (spec.readinessProbe) loop(w, 'readiness', spec.readinessProbe, spec, podIP, from);
      };
      if (spec.startupProbe) {
        w.afterStartup = rest;
        loop(w, 'startup', spec.startupProbe, spec, podIP, startedAt);
      } else rest();
      return w.verdict;
    },
    prune(podUid, keep) {
      for (const [id, w] of workers) {
        if (w.podUid !== podUid || keep?.has(id)) continue;
        stop(w);
        workers.delete(id);
      }
    },
    close() {
      for (const w of workers.values()) stop(w);
      workers.clear();
    },
  };
}
