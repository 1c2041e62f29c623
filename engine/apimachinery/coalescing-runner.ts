// Runs a piece of work now, or once more after the run in progress: kicks that arrive during a
// run coalesce into one more run, so a change seen mid-run is never lost and runs never overlap.
// For controllers that re-read everything on any change (the CRD, policy status and APIService
// controllers beside the API server).

export interface CoalescingRunner {
  /** Starts a run, or asks for one more after the current one; resolves when runs stop. */
  kick: () => Promise<void>;
  /** The runs in progress, or a resolved promise when idle (tests wait on it). */
  settled: () => Promise<void>;
  /** No run starts after this; one in progress finishes without repeating. */
  close: () => void;
}

/** A failed run is reported to onError and does not stop later runs. */
export function createCoalescingRunner(work: () => Promise<void>, onError: (e: unknown) => void): CoalescingRunner {
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  function kick(): Promise<void> {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await work();
        } catch (e) {
          onError(e);
        }
      } while (again && !closed);
      running = undefined;
    })();
    return running;
  }

  return {
    kick,
    settled: () => running ?? Promise.resolve(),
    close(): void {
      closed = true;
    },
  };
}
