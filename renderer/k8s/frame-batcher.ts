// Collects items (watch events, log lines) and hands them over at most once per frame, so
// 100 updates a second cost one state change per frame, not one each.

export interface FrameBatcher<T> {
  push(item: T): void;
  /** Delivers what is pending now (used before a relist replaces everything). */
  flush(): void;
  /** Drops what is pending and stops scheduling. */
  cancel(): void;
}

export type Scheduler = (cb: () => void) => unknown;

export function defaultScheduler(): Scheduler {
  // Hidden tabs get no animation frames; a timer keeps hidden lists from piling up events.
  return (cb) => (typeof document !== 'undefined' && document.hidden ? setTimeout(cb, 250) : requestAnimationFrame(cb));
}

export function createFrameBatcher<T>(deliver: (items: T[]) => void, schedule: Scheduler = defaultScheduler()): FrameBatcher<T> {
  let pending: T[] = [];
  let scheduled = false;
  let cancelled = false;
  const run = () => {
    scheduled = false;
    if (cancelled || pending.length === 0) return;
    const items = pending;
    pending = [];
    deliver(items);
  };
  return {
    push(item) {
      if (cancelled) return;
      pending.push(item);
      if (!scheduled) {
        scheduled = true;
        schedule(run);
      }
    },
    flush: run,
    cancel() {
      cancelled = true;
      pending = [];
    },
  };
}
