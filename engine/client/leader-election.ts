// Lease-based leader election, as client-go's tools/leaderelection: candidates race for one
// coordination.k8s.io/v1 Lease (writes carry the resourceVersion read, so exactly one wins),
// the holder renews it every retry period, and a holder that has not renewed within the renew
// deadline stops acting at once, before anyone else may take the lease (lease duration, counted
// by each candidate on its own clock from the moment it saw the record change).
import { R, isStatus, type KubeClient } from './types';
import type { KubeObject } from '../kinds/types';

export interface LeaderElectionTimings {
  /** How long non-leaders wait after the last change they saw before taking the lease. */
  leaseDurationMs: number;
  /** The leader gives up when it has not renewed for this long (must be below the lease duration). */
  renewDeadlineMs: number;
  /** Time between tries, for candidates and for the leader's renewals. */
  retryPeriodMs: number;
}

/** kube-controller-manager's and kube-scheduler's defaults (--leader-elect-lease-duration etc.). */
export const UPSTREAM_TIMINGS: LeaderElectionTimings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** Time as the elector sees it; tests pass a fake one. */
export interface ElectionClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: ElectionClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface LeaderElectorOptions {
  client: KubeClient;
  /** Lease name: kube-controller-manager, kube-scheduler. */
  name: string;
  namespace?: string;
  /** Who this candidate is (stable per instance, so a restarted instance takes its own lease back at once). */
  identity: string;
  timings?: Partial<LeaderElectionTimings>;
  clock?: ElectionClock;
  /** Called when this candidate becomes the leader: start acting. */
  onStartedLeading(): void;
  /** Called when leadership ends (lost or released): stop acting now. */
  onStoppedLeading(): void;
  /** Called when the observed holder changes (any candidate). */
  onNewLeader?(identity: string): void;
  log?: (line: string) => void;
}

export interface LeaderElector {
  isLeader(): boolean;
  /**
   * Leading and still inside the renew deadline by the clock, even when the deadline's timer has
   * not run yet (an event loop blocked past it): what a write must check before it is sent.
   */
  holds(): boolean;
  /** The holder last observed ('' when none). */
  leader(): string;
  /** Stops campaigning; a leader releases the Lease (empty holder) so another takes over at once. */
  stop(): Promise<void>;
}

export const LEADER_ELECTION_NAMESPACE = 'kube-system';

/** A 409 (another candidate wrote first) is a lost race, not an error. */
const conflictAsUndefined = (err: unknown): undefined => {
  if (isStatus(err, 409)) return undefined;
  throw err;
};

/** MicroTime, as Lease renewTime and acquireTime use it. */
const microTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');

interface Observed {
  holder: string;
  /** What identifies this version of the record (changes on every write). */
  fingerprint: string;
  durationMs: number;
  /** Local time we first saw this version. */
  seenAt: number;
  lease: KubeObject;
}

export function startLeaderElector(opts: LeaderElectorOptions): LeaderElector {
  const t = { ...UPSTREAM_TIMINGS, ...opts.timings };
  if (!(t.renewDeadlineMs < t.leaseDurationMs))
    throw new Error('leader election: the renew deadline must be shorter than the lease duration');
  if (!(t.retryPeriodMs < t.renewDeadlineMs)) throw new Error('leader election: the retry period must be shorter than the renew deadline');
  const clock = opts.clock ?? realClock;
  const ns = opts.namespace ?? LEADER_ELECTION_NAMESPACE;
  const log = opts.log ?? (() => {});
  const id = opts.identity;
  let observed: Observed | undefined;
  let leading = false;
  let stopped = false;
  /** Start time of the last write that renewed our holding (what the others saw as renewTime). */
  let lastRenew = 0;
  let tick: unknown;
  let deadline: unknown;
  let inFlight: Promise<void> | undefined;

  const observe = (lease: KubeObject) => {
    const spec = (lease.spec ?? {}) as { holderIdentity?: string; leaseDurationSeconds?: number };
    const holder = spec.holderIdentity ?? '';
    const fingerprint = `${lease.metadata.resourceVersion}`;
    if (observed?.fingerprint === fingerprint) return;
    if (holder !== (observed?.holder ?? '')) opts.onNewLeader?.(holder);
    observed = { holder, fingerprint, durationMs: (spec.leaseDurationSeconds ?? 0) * 1000, seenAt: clock.now(), lease };
  };

  const record = (now: number, old: KubeObject | undefined) => {
    const spec = (old?.spec ?? {}) as { holderIdentity?: string; leaseTransitions?: number; acquireTime?: string };
    const same = spec.holderIdentity === id;
    return {
      holderIdentity: id,
      leaseDurationSeconds: Math.ceil(t.leaseDurationMs / 1000),
      acquireTime: same && spec.acquireTime ? spec.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (spec.leaseTransitions ?? 0) + (old && !same ? 1 : 0),
    };
  };

  /** One try: true when we hold the lease after it. */
  async function tryAcquireOrRenew(now: number): Promise<boolean> {
    let lease: KubeObject;
    try {
      lease = await opts.client.get(R.leases, ns, opts.name);
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
      const created = await opts.client
        .create(R.leases, ns, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: opts.name, namespace: ns },
          spec: record(now, undefined),
        })
        .catch(conflictAsUndefined);
      if (!created) return false;
      observe(created);
      return true;
    }
    observe(lease);
    const o = observed!;
    if (o.holder && o.holder !== id && o.seenAt + o.durationMs > now) return false;
    const updated = await opts.client
      .update(R.leases, ns, { ...lease, spec: { ...((lease.spec ?? {}) as Record<string, unknown>), ...record(now, lease) } })
      .catch(conflictAsUndefined);
    if (!updated) return false;
    observe(updated);
    return true;
  }

  function lose(why: string) {
    if (!leading) return;
    leading = false;
    clock.clearTimeout(deadline);
    log(`leader election: ${opts.name}: ${id} stopped leading (${why})`);
    opts.onStoppedLeading();
  }

  // The renew deadline is a timer of its own: a request that hangs cannot stretch our leadership.
  function armDeadline() {
    clock.clearTimeout(deadline);
    deadline = clock.setTimeout(() => lose(`no renewal for ${t.renewDeadlineMs} ms`), lastRenew + t.renewDeadlineMs - clock.now());
  }

  function schedule() {
    if (stopped) return;
    tick = clock.setTimeout(() => void (inFlight = attempt()), t.retryPeriodMs);
  }

  async function attempt() {
    const started = clock.now();
    try {
      // A request that hangs is given up at the renew deadline (as client-go's request context
      // is), so the next try still happens; a late answer is ignored.
      let timer: unknown;
      const held = await Promise.race([
        tryAcquireOrRenew(started),
        new Promise<boolean>((r) => (timer = clock.setTimeout(() => r(false), t.renewDeadlineMs))),
      ]).finally(() => clock.clearTimeout(timer));
      if (stopped) return;
      if (held) {
        lastRenew = started;
        // A success that arrives after the deadline passed is not a renewal of that term.
        if (!leading && started + t.renewDeadlineMs > clock.now()) {
          leading = true;
          log(`leader election: ${opts.name}: ${id} became the leader`);
          armDeadline();
          opts.onStartedLeading();
        } else if (leading) armDeadline();
      } else if (leading && observed && observed.holder !== id) lose(`the lease is held by ${observed.holder}`);
    } catch (e) {
      log(`leader election: ${opts.name}: ${(e as Error).message}`);
    } finally {
      schedule();
    }
  }

  inFlight = attempt();

  return {
    isLeader: () => leading,
    holds: () => leading && clock.now() < lastRenew + t.renewDeadlineMs,
    leader: () => observed?.holder ?? '',
    async stop() {
      if (stopped) return;
      stopped = true;
      clock.clearTimeout(tick);
      // A request that hangs (etcd unreachable) must not hold the stop up: one retry period at most each.
      const bounded = async (p: Promise<unknown> | undefined) => {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([p?.catch(() => {}), new Promise((r) => (timer = setTimeout(r, Math.min(t.retryPeriodMs, 1000))))]);
        clearTimeout(timer);
      };
      await bounded(inFlight);
      lose('stopping');
      // Release: an empty holder lets another candidate take over on its next try.
      const lease = observed?.lease;
      if (!lease || (lease.spec as { holderIdentity?: string })?.holderIdentity !== id) return;
      await bounded(
        opts.client
          .update(R.leases, ns, {
            ...lease,
            spec: {
              ...(lease.spec as Record<string, unknown>),
              holderIdentity: '',
              leaseDurationSeconds: 1,
              renewTime: microTime(clock.now()),
            },
          })
          .catch((e: Error) => log(`leader election: ${opts.name}: release: ${e.message}`)),
      );
    },
  };
}
