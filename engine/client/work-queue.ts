// A keyed work queue, as client-go's: a key is queued at most once, never processed by two
// workers at once (re-adds while processing run again after), and failures retry with
// exponential back-off per key. Handlers only enqueue keys; sync(key) does the work, never
// inside the handler's call: an informer hands out a list (its first list, a relist, the
// factory's replay of its cache) one add at a time, and a sync run from the first add would see
// the caches and indexes fed by the others only partly.

export interface WorkQueueOptions {
  sync(key: string): Promise<void>;
  concurrency?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onError?(key: string, err: unknown): void;
}

export interface WorkQueue {
  add(key: string): void;
  addAfter(key: string, delayMs: number): void;
  /** Resolves when nothing is queued or processing (delayed adds not counted). */
  idle(): Promise<void>;
  stop(): void;
  readonly length: number;
}

export function createWorkQueue(opts: WorkQueueOptions): WorkQueue {
  const queue: string[] = [];
  const queued = new Set<string>();
  const processing = new Set<string>();
  const dirtyWhileProcessing = new Set<string>();
  const failures = new Map<string, number>();
  const timers = new Map<string, NodeJS.Timeout>();
  const concurrency = opts.concurrency ?? 1;
  const base = opts.baseDelayMs ?? 5;
  const max = opts.maxDelayMs ?? 60_000;
  let active = 0;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];
  let pumpQueued = false;

  function add(key: string) {
    if (stopped) return;
    if (processing.has(key)) {
      dirtyWhileProcessing.add(key);
      return;
    }
    if (queued.has(key)) return;
    queued.add(key);
    queue.push(key);
    if (pumpQueued) return;
    pumpQueued = true;
    queueMicrotask(() => {
      pumpQueued = false;
      pump();
    });
  }

  function addAfter(key: string, delayMs: number) {
    if (stopped) return;
    if (delayMs <= 0) return add(key);
    const existing = timers.get(key);
    if (existing) clearTimeout(existing);
    const t = setTimeout(() => {
      timers.delete(key);
      add(key);
    }, delayMs);
    t.unref?.();
    timers.set(key, t);
  }

  function pump() {
    while (!stopped && active < concurrency && queue.length) {
      const key = queue.shift()!;
      queued.delete(key);
      processing.add(key);
      active++;
      opts
        .sync(key)
        .then(
          () => failures.delete(key),
          (err) => {
            const n = (failures.get(key) ?? 0) + 1;
            failures.set(key, n);
            opts.onError?.(key, err);
            addAfter(key, Math.min(max, base * 2 ** (n - 1)));
          },
        )
        .finally(() => {
          processing.delete(key);
          active--;
          if (dirtyWhileProcessing.delete(key)) add(key);
          if (active === 0 && queue.length === 0) {
            const w = idleWaiters;
            idleWaiters = [];
            w.forEach((f) => f());
          }
          pump();
        });
    }
  }

  return {
    add,
    addAfter,
    idle: () => (active === 0 && queue.length === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r))),
    stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
    get length() {
      return queue.length;
    },
  };
}
