// Browsers open at most 6 HTTP/1.1 connections per host, and every watch or followed log
// holds one for as long as it runs. Past that, ordinary requests (a PATCH from a dialog)
// wait forever. Long-lived streams therefore take a slot first; without one they poll.
// WebSockets (shells) come from a separate pool and need no slot.

export interface StreamSlots {
  /** A release function, or null when every slot is taken. */
  tryAcquire(): (() => void) | null;
  inUse(): number;
}

/** 6 per host, minus the host's event stream, minus one kept for requests. */
export const defaultStreamSlots = 4;

export function createStreamSlots(max = defaultStreamSlots): StreamSlots {
  let used = 0;
  return {
    tryAcquire() {
      if (used >= max) return null;
      used++;
      let released = false;
      return () => {
        if (!released) {
          released = true;
          used--;
        }
      };
    },
    inUse: () => used,
  };
}
