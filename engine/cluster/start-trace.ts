// SKIFF_TRACE=start: every phase of a cluster's start on its own line, with when it began
// (ms since the process started) and how long it took, so the slow phases are visible. Phases
// may run side by side (the ingress beside the nodes): each line stands on its own.
import { R, type KubeClient, type WatchHandle } from '../client/types';
import type { KubeObject } from '../kinds/types';

export interface StartTrace {
  readonly enabled: boolean;
  /** Times `work` as `phase`; when tracing is off it only runs it. */
  span<T>(phase: string, work: () => Promise<T>): Promise<T>;
  /** A moment of the start (e.g. "node Ready"). */
  mark(event: string): void;
}

/** Whether `SKIFF_TRACE` (a comma-separated list) names `what`. */
export function traceWanted(env: Record<string, string | undefined>, what: string): boolean {
  return (env.SKIFF_TRACE ?? '').split(',').some((w) => w.trim() === what);
}

export const noTrace: StartTrace = { enabled: false, span: (_phase, work) => work(), mark: () => {} };

/** A trace that prints `trace start: +<at> ms <phase> <took> ms` lines through `out`. */
export function createStartTrace(out: (line: string) => void, now: () => number = () => performance.now()): StartTrace {
  const fmt = (n: number) => String(Math.round(n)).padStart(6);
  return {
    enabled: true,
    async span(phase, work) {
      const t = now();
      try {
        return await work();
      } finally {
        out(`trace start: +${fmt(t)} ms  ${phase.padEnd(28)} ${fmt(now() - t)} ms`);
      }
    },
    mark(event) {
      out(`trace start: +${fmt(now())} ms  ${event}`);
    },
  };
}

/** Marks the moment each node is first seen Ready by this process (a watch that ends there, or after `limitMs`). */
export function traceNodesReady(trace: StartTrace, client: KubeClient, nodes: number, limitMs = 60_000): void {
  if (!trace.enabled || nodes <= 0) return;
  void whenNodesReady(client, nodes, limitMs, (name) => trace.mark(`node ${name} Ready`));
}

/**
 * Resolves once `nodes` nodes are Ready with a heartbeat from this process (a stored node may
 * still say Ready from the last run), or after `limitMs`; `onReady` hears each node as it is.
 */
export function whenNodesReady(client: KubeClient, nodes: number, limitMs: number, onReady?: (name: string) => void): Promise<void> {
  if (nodes <= 0) return Promise.resolve();
  const ready = new Set<string>();
  // Heartbeats are RFC 3339 seconds.
  const since = Math.floor(performance.timeOrigin / 1000) * 1000;
  const isReady = (n: KubeObject) =>
    (n.status as { conditions?: { type: string; status: string; lastHeartbeatTime?: string }[] } | undefined)?.conditions?.some(
      (c) => c.type === 'Ready' && c.status === 'True' && Date.parse(c.lastHeartbeatTime ?? '') >= since,
    );
  return new Promise<void>((resolve) => {
    let finished = false;
    // Held in an object: the watch may report every node Ready (and finish) before watch() returns.
    const w: { handle?: WatchHandle } = {};
    const timer = setTimeout(() => done(), limitMs);
    timer.unref?.();
    const done = () => {
      finished = true;
      clearTimeout(timer);
      w.handle?.stop();
      resolve();
    };
    w.handle = client.watch(
      R.nodes,
      undefined,
      {},
      (_type, n) => {
        const name = n.metadata.name!;
        if (finished || ready.has(name) || !isReady(n)) return;
        ready.add(name);
        onReady?.(name);
        if (ready.size >= nodes) done();
      },
      () => {},
    );
    if (finished) w.handle.stop(); // every node was Ready before watch() returned
  });
}
