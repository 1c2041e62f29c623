// The safety net under Docker's event stream, as the kubelet's PLEG: every few seconds one list
// of the node's containers is compared with the last one, and each pod whose containers appeared,
// vanished (docker rm behind our back) or changed state is resynced. Missed or lost events
// (a Docker restart, a dropped stream) therefore cost at most one period.
import type Docker from 'dockerode';

export interface RelistOptions {
  /** The node's containers (sandboxes included), all states. */
  list(): Promise<Docker.ContainerInfo[]>;
  podUidOf(c: Docker.ContainerInfo): string | undefined;
  changed(podUid: string): void;
  /** The list failed (Docker unreachable). */
  failed?(e: Error): void;
  intervalMs?: number;
}

export interface Relist {
  /** Lists now (tests; a re-subscribed event stream). */
  relist(): Promise<void>;
  stop(): void;
}

export function createRelist(o: RelistOptions): Relist {
  let last: Map<string, { pod: string; state: string }> | undefined;
  let running: Promise<void> | undefined;

  async function once() {
    let list: Docker.ContainerInfo[];
    try {
      list = await o.list();
    } catch (e) {
      o.failed?.(e as Error);
      return;
    }
    const now = new Map<string, { pod: string; state: string }>();
    for (const c of list) {
      const pod = o.podUidOf(c);
      if (pod) now.set(c.Id, { pod, state: c.State });
    }
    if (last) {
      const pods = new Set<string>();
      for (const [id, c] of now) if (last.get(id)?.state !== c.state) pods.add(c.pod);
      for (const [id, c] of last) if (!now.has(id)) pods.add(c.pod);
      for (const p of pods) o.changed(p);
    }
    last = now;
  }

  const relist = () => (running ??= once().finally(() => (running = undefined)));
  const timer = setInterval(() => void relist(), o.intervalMs ?? 3000);
  timer.unref();
  void relist();
  return { relist, stop: () => clearInterval(timer) };
}
