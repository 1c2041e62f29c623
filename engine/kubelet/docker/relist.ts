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
  /** A container that was listed last time is gone (removed by us or behind our back). */
  vanished?(c: { id: string; podUid: string; labels: Record<string, string> }): void;
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
  type Seen = { pod: string; state: string; labels: Record<string, string> };
  let last: Map<string, Seen> | undefined;
  let running: Promise<void> | undefined;

  async function once() {
    let list: Docker.ContainerInfo[];
    try {
      list = await o.list();
    } catch (e) {
      o.failed?.(e as Error);
      return;
    }
    const now = new Map<string, Seen>();
    for (const c of list) {
      const pod = o.podUidOf(c);
      if (pod) now.set(c.Id, { pod, state: c.State, labels: c.Labels });
    }
    if (last) {
      const pods = new Set<string>();
      for (const [id, c] of now) if (last.get(id)?.state !== c.state) pods.add(c.pod);
      for (const [id, c] of last) {
        if (now.has(id)) continue;
        pods.add(c.pod);
        o.vanished?.({ id, podUid: c.pod, labels: c.labels });
      }
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
