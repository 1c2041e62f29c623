// One Docker container listing shared by every caller that asks while another is on its way.
// A pod sync lists its pod's containers two or three times, and a burst of pods runs many syncs
// at once: each list makes dockerd walk all its containers, so in a 50-pod burst ~1,000 lists
// queued behind the creates. Callers now share one list of the node's containers and filter it
// here. A caller only gets a list that Docker began after the call, so nothing it did just
// before (a create, a start) can be missing from its answer.
import type Docker from 'dockerode';

type Info = Docker.ContainerInfo;

/** Docker's `label` filter: `key` (present) or `key=value`. */
export function matchesLabels(labels: Record<string, string> | undefined, filters: string[]): boolean {
  for (const f of filters) {
    const eq = f.indexOf('=');
    if (eq < 0) {
      if (!labels || !(f in labels)) return false;
    } else if (labels?.[f.slice(0, eq)] !== f.slice(eq + 1)) return false;
  }
  return true;
}

/** What Docker lists without `all`: containers whose process is up (paused and restarting ones too). */
export const isUp = (c: Info) => c.State === 'running' || c.State === 'paused' || c.State === 'restarting';

/**
 * Wraps `listAll` (every container of the node, stopped ones included) so that calls made while a
 * list is in flight share the next one, which starts when the current one ends.
 */
export function sharedLister(listAll: () => Promise<Info[]>): () => Promise<Info[]> {
  let inFlight: Promise<Info[]> | undefined;
  let queued: Promise<Info[]> | undefined;

  function start(): Promise<Info[]> {
    const p = listAll();
    inFlight = p;
    const done = () => {
      if (inFlight === p) inFlight = undefined;
    };
    p.then(done, done);
    return p;
  }

  return function fresh(): Promise<Info[]> {
    if (queued) return queued; // starts later than this call: fresh enough
    if (!inFlight) return start();
    // The list in flight began before this call: wait for it, then list again for all who waited.
    const after = inFlight.then(
      () => undefined,
      () => undefined,
    );
    queued = after.then(() => {
      queued = undefined;
      return start();
    });
    return queued;
  };
}
