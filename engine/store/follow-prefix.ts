// Follows a key prefix for a controller that re-reads everything on any change (the CRD, policy
// status and APIService controllers beside the API server): a watch that cannot go on (its
// revision compacted, the backend restarted) is opened again from the current revision and the
// controller is woken once more, since changes in between were not seen.
import type { Store, Watcher } from './types';

export interface PrefixFollower {
  close(): void;
}

/** Calls onChange after every batch of events under prefix with revision > afterRevision. */
export function followPrefix(store: Store, prefix: string, afterRevision: number, onChange: () => void): PrefixFollower {
  let watcher: Watcher | undefined;
  let closed = false;

  function watchFrom(revision: number): void {
    watcher = store.watch({
      prefix,
      afterRevision: revision,
      onEvents: () => onChange(),
      onError: () => {
        if (closed) return;
        void store.currentRevision().then((rev) => {
          if (closed) return;
          watchFrom(rev);
          onChange();
        });
      },
    });
  }

  watchFrom(afterRevision);
  return {
    close(): void {
      closed = true;
      watcher?.close();
    },
  };
}
