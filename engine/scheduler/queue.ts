// The scheduling queue, as kube-scheduler's: an active heap (higher priority first, then
// oldest), a backoff queue for pods that just failed (1 s doubling to 10 s), and a pool of
// unschedulable pods that wait for a cluster change (node added/updated, pod deleted, ...) or
// a periodic flush. A change seen while a pod was being scheduled sends it to backoff, not to
// the pool, so the change is not missed.
import type { KubeObject } from '../kinds/types';
import { Heap } from './heap';

type Where = 'active' | 'backoff' | 'unschedulable' | 'inflight' | 'gone';

export interface QueuedPod {
  key: string;
  pod: KubeObject;
  priority: number;
  attempts: number;
  /** When it entered the queue (ordering among equal priorities). */
  since: number;
  backoffUntil: number;
  unschedulableSince: number;
  where: Where;
  /** The move sequence number when popped (see moveAll). */
  popSeq: number;
}

export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Unschedulable pods are retried after this long even without a cluster change. */
  unschedulableTimeoutMs?: number;
  now?: () => number;
}

export interface SchedulingQueue {
  /** A new or changed pending pod. `wake` moves an unschedulable one back (its spec changed). */
  upsert(pod: KubeObject, key: string, priority: number, wake?: boolean): void;
  delete(key: string): void;
  has(key: string): boolean;
  /** Next pod to schedule; undefined once closed. */
  pop(): Promise<QueuedPod | undefined>;
  /** Scheduling found no node: wait for a cluster change. */
  unschedulable(qp: QueuedPod): void;
  /** Scheduling or binding errored: retry after back-off. */
  backoff(qp: QueuedPod): void;
  /** Done with it (bound). */
  done(qp: QueuedPod): void;
  /** A cluster change: every unschedulable pod goes back to active (or backoff). */
  moveAll(): void;
  close(): void;
  stats(): { active: number; backoff: number; unschedulable: number };
}

export function createSchedulingQueue(opts: QueueOptions = {}): SchedulingQueue {
  const now = opts.now ?? Date.now;
  const initial = opts.initialBackoffMs ?? 1000;
  const max = opts.maxBackoffMs ?? 10_000;
  const unschedTimeout = opts.unschedulableTimeoutMs ?? 60_000;
  const entries = new Map<string, QueuedPod>();
  const active = new Heap<QueuedPod>((a, b) => a.priority > b.priority || (a.priority === b.priority && a.since < b.since));
  const backoffQ = new Heap<QueuedPod>((a, b) => a.backoffUntil < b.backoffUntil);
  const pool = new Set<QueuedPod>();
  let waiters: ((qp: QueuedPod | undefined) => void)[] = [];
  let closed = false;
  let moveSeq = 0;
  let counter = 0;

  // Ref'd on purpose: a running scheduler keeps its process alive until close().
  const timer = setInterval(tick, Math.min(100, initial));

  function toActive(qp: QueuedPod) {
    qp.where = 'active';
    const w = waiters.shift();
    if (w) {
      take(qp);
      w(qp);
    } else active.push(qp);
  }

  function take(qp: QueuedPod) {
    qp.where = 'inflight';
    qp.popSeq = moveSeq;
  }

  function backoffDuration(qp: QueuedPod) {
    return Math.min(max, initial * 2 ** Math.max(0, qp.attempts - 1));
  }

  function toBackoffOrActive(qp: QueuedPod) {
    if (qp.backoffUntil > now()) {
      qp.where = 'backoff';
      backoffQ.push(qp);
    } else toActive(qp);
  }

  function tick() {
    const t = now();
    while (backoffQ.size) {
      const top = backoffQ.peek()!;
      if (top.where !== 'backoff' || entries.get(top.key) !== top) {
        backoffQ.pop();
        continue;
      }
      if (top.backoffUntil > t) break;
      backoffQ.pop();
      toActive(top);
    }
    for (const qp of pool) {
      if (t - qp.unschedulableSince >= unschedTimeout) {
        pool.delete(qp);
        toBackoffOrActive(qp);
      }
    }
  }

  return {
    upsert(pod, key, priority, wake = false) {
      if (closed) return;
      const qp = entries.get(key);
      if (!qp) {
        const fresh: QueuedPod = {
          key,
          pod,
          priority,
          attempts: 0,
          since: now() * 1000 + (counter++ % 1000),
          backoffUntil: 0,
          unschedulableSince: 0,
          where: 'active',
          popSeq: 0,
        };
        entries.set(key, fresh);
        toActive(fresh);
        return;
      }
      qp.pod = pod;
      qp.priority = priority;
      if (wake && qp.where === 'unschedulable') {
        pool.delete(qp);
        toBackoffOrActive(qp);
      }
    },
    delete(key) {
      const qp = entries.get(key);
      if (!qp) return;
      entries.delete(key);
      pool.delete(qp);
      qp.where = 'gone';
    },
    has: (key) => entries.has(key),
    pop() {
      if (closed) return Promise.resolve(undefined);
      while (active.size) {
        const qp = active.pop()!;
        if (qp.where !== 'active' || entries.get(qp.key) !== qp) continue;
        take(qp);
        return Promise.resolve(qp);
      }
      return new Promise((r) => waiters.push(r));
    },
    unschedulable(qp) {
      if (entries.get(qp.key) !== qp) return;
      qp.attempts++;
      qp.backoffUntil = now() + backoffDuration(qp);
      if (qp.popSeq !== moveSeq) return toBackoffOrActive(qp);
      qp.where = 'unschedulable';
      qp.unschedulableSince = now();
      pool.add(qp);
    },
    backoff(qp) {
      if (entries.get(qp.key) !== qp) return;
      qp.attempts++;
      qp.backoffUntil = now() + backoffDuration(qp);
      toBackoffOrActive(qp);
    },
    done(qp) {
      if (entries.get(qp.key) === qp) entries.delete(qp.key);
      qp.where = 'gone';
    },
    moveAll() {
      moveSeq++;
      if (!pool.size) return;
      const moved = [...pool];
      pool.clear();
      for (const qp of moved) toBackoffOrActive(qp);
    },
    close() {
      closed = true;
      clearInterval(timer);
      const w = waiters;
      waiters = [];
      w.forEach((f) => f(undefined));
    },
    stats: () => ({ active: active.size, backoff: backoffQ.size, unschedulable: pool.size }),
  };
}
