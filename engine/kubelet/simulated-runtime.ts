// The simulated container runtime (kwok-style): containers exist only in memory. They start
// after a short delay; containers of Never/OnFailure pods (and init containers) exit 0 after a
// while so Jobs complete; others keep running. The `skiff.dev/simulate` annotation overrides
// exit code, timing, readiness and reported CPU/memory (simulate-annotation.ts).
import { createHash } from 'node:crypto';
import type { ContainerRuntime, ContainerStats, RuntimeContainer, RuntimeListener, Sandbox, SandboxConfig } from './runtime';
import { parseSimulateAnnotation, type ContainerBehavior } from './simulate-annotation';
import { createIPAllocator } from './pod-cidr';
import { randomId } from './random-ids';
import type { KubeObject } from '../kinds/types';
import type { Container } from '../apimachinery/pod-types';
import type { ContainerStateTerminated, ContainerStatus } from '../apimachinery/workload-types';

export interface SimulatedRuntimeOptions {
  podCIDR?: string;
  /** Delay from start to running (default 500 ms). */
  startDelayMs?: number;
  /** How long containers of Never/OnFailure pods and init containers run (default 1500 ms). */
  completeAfterMs?: number;
  now?: () => Date;
}

/** Usage a running container reports when the annotation says nothing. */
const DEFAULT_CPU_NANO = 1_000_000; // 1m
const DEFAULT_MEMORY = 4 * 1024 * 1024; // 4Mi

interface SimSandbox {
  id: string;
  ip: string;
  restartPolicy: string;
  behavior: (name: string) => ContainerBehavior;
  sidecars: Set<string>;
}

interface SimContainer extends RuntimeContainer {
  init: boolean;
  timer?: NodeJS.Timeout;
}

export function createSimulatedRuntime(opts: SimulatedRuntimeOptions = {}): ContainerRuntime {
  const now = opts.now ?? (() => new Date());
  const startDelay = opts.startDelayMs ?? 500;
  const completeAfter = opts.completeAfterMs ?? 1500;
  const ips = createIPAllocator(opts.podCIDR);
  const sandboxes = new Map<string, SimSandbox>();
  const containers = new Map<string, SimContainer>();
  const listeners = new Set<RuntimeListener>();
  const imageIDs = new Map<string, string>();

  const emit = (podUid: string) => listeners.forEach((l) => l(podUid));

  function imageID(image: string): string {
    let id = imageIDs.get(image);
    if (!id) {
      id = 'sha256:' + createHash('sha256').update(image).digest('hex');
      imageIDs.set(image, id);
    }
    return id;
  }

  /** How long a started container runs before exiting, or undefined to run until stopped. */
  function runFor(c: SimContainer, sb: SimSandbox): number | undefined {
    const b = sb.behavior(c.name);
    if (b.exitCode !== undefined) return b.afterMs ?? completeAfter;
    if (c.init && !sb.sidecars.has(c.name)) return b.afterMs ?? completeAfter;
    if (!c.init && sb.restartPolicy !== 'Always') return b.afterMs ?? completeAfter;
    return b.afterMs;
  }

  function exit(c: SimContainer, exitCode: number, reason?: string) {
    if (c.timer) clearTimeout(c.timer);
    c.timer = undefined;
    c.state = 'exited';
    c.finishedAt = now();
    c.exitCode = exitCode;
    c.reason = reason ?? (exitCode === 0 ? 'Completed' : 'Error');
  }

  /** Recreates the containers a pod's status reports, as if they had survived a restart. */
  function adopt(pod: KubeObject, sb: SimSandbox) {
    const scheme = 'skiff-simulated://';
    const add = (list: ContainerStatus[] | undefined, init: boolean) => {
      for (const cs of list ?? []) {
        const running = cs.state?.running;
        const states: [Partial<ContainerStateTerminated> | undefined, number][] = [
          [cs.lastState?.terminated, (cs.restartCount ?? 0) - 1],
          [running ?? cs.state?.terminated, cs.restartCount ?? 0],
        ];
        for (const [st, attempt] of states) {
          const id = st?.containerID ?? (st === running ? cs.containerID : undefined);
          if (!st || typeof id !== 'string' || !id.startsWith(scheme) || attempt < 0) continue;
          const c: SimContainer = {
            id: id.slice(scheme.length),
            podUid: pod.metadata.uid!,
            name: cs.name,
            attempt,
            image: cs.image ?? '',
            imageID: cs.imageID || imageID(cs.image ?? ''),
            state: st === running ? 'running' : 'exited',
            createdAt: new Date(st.startedAt ?? now()),
            startedAt: st.startedAt ? new Date(st.startedAt) : undefined,
            finishedAt: st.finishedAt ? new Date(st.finishedAt) : undefined,
            exitCode: st.exitCode,
            reason: st.reason,
            init,
          };
          containers.set(c.id, c);
          if (c.state === 'running') {
            const ms = runFor(c, sb);
            if (ms !== undefined) {
              const left = Math.max(0, ms - (now().getTime() - (c.startedAt?.getTime() ?? 0)));
              c.timer = setTimeout(() => {
                exit(c, sb.behavior(c.name).exitCode ?? 0);
                emit(c.podUid);
              }, left);
            }
          }
        }
      }
    };
    add(pod.status?.initContainerStatuses, true);
    add(pod.status?.containerStatuses, false);
  }

  return {
    version: 'skiff-simulated://0.1',

    async ensureSandbox(cfg: SandboxConfig): Promise<Sandbox> {
      const pod = cfg.pod;
      const uid = pod.metadata.uid!;
      let sb = sandboxes.get(uid);
      const behavior = parseSimulateAnnotation(pod.metadata.annotations);
      if (!sb) {
        const sidecars = new Set<string>(
          (pod.spec?.initContainers ?? []).filter((c: Container) => c.restartPolicy === 'Always').map((c: Container) => c.name),
        );
        // A pod that already ran here (the cluster restarted) keeps its IP and containers.
        const oldIP: string | undefined = pod.status?.podIP;
        const ip = pod.spec?.hostNetwork ? '' : oldIP && ips.reserve(oldIP) ? oldIP : ips.allocate();
        sb = { id: randomId(), ip, restartPolicy: pod.spec?.restartPolicy ?? 'Always', behavior, sidecars };
        sandboxes.set(uid, sb);
        adopt(pod, sb);
      }
      sb.behavior = behavior; // annotations may change while the pod runs (cpu, ready)
      return { id: sb.id, podIP: sb.ip };
    },

    async removeSandbox(podUid) {
      const sb = sandboxes.get(podUid);
      if (!sb) return;
      for (const [id, c] of containers) {
        if (c.podUid !== podUid) continue;
        if (c.timer) clearTimeout(c.timer);
        containers.delete(id);
      }
      if (sb.ip) ips.release(sb.ip);
      sandboxes.delete(podUid);
    },

    async pullImage(image, opts) {
      // A simulated node "pulls" an image the first time it sees it, and always under Always.
      if (opts?.policy === 'Always' || !imageIDs.has(image)) {
        opts?.report?.({ kind: 'pulling' });
        opts?.report?.({ kind: 'pulled', pullMs: 0 });
      }
      return imageID(image);
    },

    async createContainer(cfg) {
      const id = randomId();
      containers.set(id, {
        id,
        podUid: cfg.podUid,
        name: cfg.spec.name,
        attempt: cfg.attempt,
        image: cfg.spec.image ?? '',
        imageID: imageID(cfg.spec.image ?? ''),
        state: 'created',
        createdAt: now(),
        init: cfg.init,
      });
      return id;
    },

    async startContainer(id) {
      const c = containers.get(id);
      const sb = c && sandboxes.get(c.podUid);
      if (!c || !sb) throw new Error(`container ${id} not found`);
      if (c.state !== 'created') return;
      const b = sb.behavior(c.name);
      const becomeRunning = () => {
        c.state = 'running';
        c.startedAt = now();
        const ms = runFor(c, sb);
        c.timer =
          ms === undefined
            ? undefined
            : setTimeout(() => {
                exit(c, sb.behavior(c.name).exitCode ?? 0);
                emit(c.podUid);
              }, ms);
        emit(c.podUid);
      };
      const delay = b.startDelayMs ?? startDelay;
      if (delay > 0) c.timer = setTimeout(becomeRunning, delay);
      else becomeRunning();
    },

    async stopContainer(id) {
      // Simulated processes honour SIGTERM at once, so the grace period never runs out.
      const c = containers.get(id);
      if (c && c.state !== 'exited') exit(c, c.state === 'running' ? 0 : 137, c.state === 'running' ? 'Completed' : 'Error');
    },

    async removeContainer(id) {
      const c = containers.get(id);
      if (c?.timer) clearTimeout(c.timer);
      containers.delete(id);
    },

    listContainers(podUid) {
      const out: RuntimeContainer[] = [];
      for (const c of containers.values()) {
        if (podUid !== undefined && c.podUid !== podUid) continue;
        const ready = sandboxes.get(c.podUid)?.behavior(c.name).ready;
        out.push({ ...c, timer: undefined, ...(ready === false ? { ready } : {}) } as RuntimeContainer);
      }
      return out;
    },

    listSandboxes: () => [...sandboxes.keys()],

    stats() {
      const out: ContainerStats[] = [];
      for (const c of containers.values()) {
        if (c.state !== 'running') continue;
        const b = sandboxes.get(c.podUid)?.behavior(c.name) ?? {};
        out.push({
          podUid: c.podUid,
          name: c.name,
          cpuNanoCores: b.cpuNanoCores ?? DEFAULT_CPU_NANO,
          memoryBytes: b.memoryBytes ?? DEFAULT_MEMORY,
        });
      }
      return out;
    },

    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },

    close() {
      for (const c of containers.values()) if (c.timer) clearTimeout(c.timer);
      containers.clear();
      sandboxes.clear();
      listeners.clear();
    },
  };
}
