// Runs a component only while this instance holds its Lease (kube-controller-manager and
// kube-scheduler with --leader-elect): started on election, stopped the moment leadership ends,
// started afresh (new informers, new caches) if it is won again. Upstream's components exit the
// process when they lose their Lease; here the component's writes are fenced instead: once its
// term ends every further write fails, and a new term starts only after the old term's writes
// in flight have settled, so two terms never act at once.
import { startLeaderElector, type LeaderElector, type LeaderElectorOptions } from './leader-election';
import type { KubeClient } from './types';

export interface Running {
  stop(): void;
}

/** Wraps a client so its writes work only during the term it was made for. */
export type Fence = (client: KubeClient) => KubeClient;

export interface LeaderRun {
  isLeader(): boolean;
  /** The Lease's holder as last seen. */
  leader(): string;
  /** Stops the component (if running) and releases the Lease. */
  stop(): Promise<void>;
}

const WRITES = new Set(['create', 'update', 'patch', 'delete', 'createSubresource']);

export class LeadershipLostError extends Error {
  readonly code = 503;
  readonly reason = 'ServiceUnavailable';
}

export function runWhileLeading(
  opts: Omit<LeaderElectorOptions, 'onStartedLeading' | 'onStoppedLeading'> & { run: (fence: Fence) => Promise<Running> },
): LeaderRun {
  const log = opts.log ?? (() => {});
  let term = 0;
  let current: Promise<Running | undefined> | undefined;
  /** Writes of ended terms still in flight. */
  const inFlight = new Set<Promise<unknown>>();
  const drained = async () => {
    while (inFlight.size) await Promise.allSettled([...inFlight]);
  };

  const fenceFor =
    (mine: number): Fence =>
    (client) =>
      new Proxy(client, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver) as unknown;
          if (typeof prop !== 'string' || !WRITES.has(prop) || typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            if (mine !== term || !elector.holds()) return Promise.reject(new LeadershipLostError(`${opts.name}: not the leader any more`));
            const p = (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            inFlight.add(p);
            const done = () => inFlight.delete(p);
            p.then(done, done);
            return p;
          };
        },
      });

  const halt = () => {
    term++;
    const c = current;
    current = undefined;
    void c?.then((r) => r?.stop());
  };
  const elector: LeaderElector = startLeaderElector({
    ...opts,
    onStartedLeading() {
      const mine = ++term;
      current = drained()
        .then(() => (mine === term ? opts.run(fenceFor(mine)) : undefined))
        .then(
          (r) => {
            // Lost while starting: stop what just started.
            if (r && mine !== term) return void r.stop();
            return r;
          },
          (e: Error) => void log(`${opts.name}: start failed: ${e.message}`),
        );
    },
    onStoppedLeading: halt,
  });
  return {
    isLeader: () => elector.isLeader(),
    leader: () => elector.leader(),
    async stop() {
      const c = current;
      halt();
      await c; // stopped before the Lease is released, so no two act at once
      await drained();
      await elector.stop();
    },
  };
}
