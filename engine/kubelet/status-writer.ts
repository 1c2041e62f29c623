// Coalescing, concurrency-limited writes: at 30,000 pods the number of status writes is what
// costs, so a key marked dirty several times before its turn is written once, with the state
// current at write time, and at most `concurrency` writes are in flight across all kubelets.

export interface WriteQueue {
  /**
   * Runs `write` for `key` soon; a pending write for the same key is replaced. Urgent writes
   * (leases, node status) go before every queued normal one: a backlog of pod statuses must not
   * make leases expire.
   */
  enqueue(key: string, write: () => Promise<void>, urgent?: boolean): void;
  /** Resolves when nothing is queued or in flight (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

export function createWriteQueue(opts: { concurrency?: number; log?: (line: string) => void } = {}): WriteQueue {
  const limit = opts.concurrency ?? 32;
  const urgentPending = new Map<string, () => Promise<void>>();
  const pending = new Map<string, () => Promise<void>>();
  const inFlight = new Set<string>();
  let running = 0;
  let stopped = false;
  let waiters: (() => void)[] = [];

  function pump() {
    if (stopped) return;
    drain(urgentPending);
    drain(pending);
  }

  function drain(queue: Map<string, () => Promise<void>>) {
    for (const [key, write] of queue) {
      if (running >= limit) break;
      if (inFlight.has(key)) continue; // same key: wait for the write before it
      queue.delete(key);
      inFlight.add(key);
      running++;
      write()
        .catch((e) => opts.log?.(`write ${key}: ${e.message}`))
        .finally(() => {
          inFlight.delete(key);
          running--;
          pump();
          if (running === 0 && pending.size === 0 && urgentPending.size === 0) {
            const w = waiters;
            waiters = [];
            w.forEach((f) => f());
          }
        });
    }
  }

  return {
    enqueue(key, write, urgent = false) {
      if (stopped) return;
      (urgent ? urgentPending : pending).set(key, write);
      if (running < limit) queueMicrotask(pump);
    },
    idle() {
      if (running === 0 && pending.size === 0 && urgentPending.size === 0) return Promise.resolve();
      return new Promise((r) => waiters.push(r));
    },
    stop() {
      stopped = true;
      pending.clear();
      urgentPending.clear();
      waiters.forEach((f) => f());
      waiters = [];
    },
  };
}
