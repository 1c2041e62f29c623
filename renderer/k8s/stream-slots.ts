// Browsers open at most 6 HTTP/1.1 connections per host, and every watch or followed log
// holds one for as long as it runs. Past that, ordinary requests (a PATCH from a dialog)
// wait forever. Long-lived streams therefore take a slot first; without one they poll.
// WebSockets (shells) come from a separate pool and need no slot.
//
// Streams the user is looking at (the focused view's list, a followed log) come first:
// background streams (the resource map's many watches) take a slot only while one is free
// and give it back, falling back to polling, when a foreground stream finds none.

export type StreamPriority = 'foreground' | 'background';

export interface SlotRequest {
  /** foreground (the default) may take a background stream's slot; background never takes one. */
  priority?: StreamPriority;
  /**
   * Called when a foreground stream takes this slot over (background only, required there):
   * the stream must stop using its connection now. Its release function then does nothing.
   */
  onRevoke?: () => void;
}

export interface StreamSlots {
  /** A release function, or null when every slot is taken (by streams this one may not displace). */
  tryAcquire(req?: SlotRequest): (() => void) | null;
  inUse(): number;
}

/** 6 per host, minus the host's event stream, minus one kept for requests. */
export const defaultStreamSlots = 4;

interface Holder {
  background: boolean;
  onRevoke?: () => void;
}

export function createStreamSlots(max = defaultStreamSlots): StreamSlots {
  // In the order granted: the newest background holder is the first to give way.
  const holders: Holder[] = [];
  const grant = (h: Holder) => {
    holders.push(h);
    return () => {
      const at = holders.indexOf(h);
      if (at >= 0) holders.splice(at, 1);
    };
  };
  return {
    tryAcquire(req = {}) {
      const background = req.priority === 'background';
      if (background && !req.onRevoke) throw new Error('a background stream must say how to give its slot back (onRevoke)');
      const h: Holder = { background, onRevoke: req.onRevoke };
      if (holders.length < max) return grant(h);
      if (background) return null;
      let victim = -1;
      for (let i = holders.length - 1; i >= 0 && victim < 0; i--) if (holders[i].background) victim = i;
      if (victim < 0) return null;
      const [revoked] = holders.splice(victim, 1);
      const release = grant(h);
      revoked.onRevoke!();
      return release;
    },
    inUse: () => holders.length,
  };
}
