// One Store watch = one etcd watch stream. The raw stream (rather than etcd3's resilient
// watcher) lets us see compact_revision and fail with CompactedError; on any stream error
// the watch ends with onError and the caller re-watches from its last revision, as
// Kubernetes clients do.
import type { WatchClient } from 'etcd3';
import { toEvent, toStoreError, type KeyCodec } from './etcd-codec';
import { CompactedError, StoreError, UnavailableError, type Watcher, type WatchOptions } from './types';

export interface EtcdWatchDeps {
  watchClient: WatchClient;
  codec: KeyCodec;
  endpoints: string[];
  /** Called once when the watch ends for any reason (the store forgets it). */
  onEnd(w: Watcher): void;
}

type Stream = Awaited<ReturnType<WatchClient['watch']>>;

export function startEtcdWatch(deps: EtcdWatchDeps, opts: WatchOptions): Watcher {
  const after = opts.afterRevision;
  let closed = false;
  let stream: Stream | undefined;

  const stop = () => {
    const s = stream;
    stream = undefined;
    s?.cancel();
    deps.onEnd(watcher);
  };
  const fail = (err: Error) => {
    if (closed) return;
    closed = true;
    stop();
    opts.onError(err);
  };
  const watcher: Watcher = {
    close() {
      if (closed) return;
      closed = true;
      stop();
    },
  };

  deps.watchClient.watch().then(
    (s) => {
      // Cancelling makes the stream emit a CANCELLED error; nobody needs to hear it.
      s.on('error', (err) => fail(toStoreError(err, deps.endpoints)));
      if (closed) {
        s.cancel();
        return;
      }
      stream = s;
      s.on('data', (res) => {
        if (closed) return;
        if (res.compact_revision && res.compact_revision !== '0') {
          return fail(new CompactedError(after, Number(res.compact_revision)));
        }
        if (res.canceled) return fail(new StoreError(`etcd watch canceled: ${res.cancel_reason || 'no reason given'}`));
        // The stream starts at `after` itself (see below), so drop that revision's events.
        const events = res.events.filter((ev) => Number(ev.kv.mod_revision) > after).map((ev) => toEvent(deps.codec, ev));
        if (events.length === 0) return;
        try {
          opts.onEvents(events);
        } catch (err) {
          fail(err instanceof Error ? err : new Error(String(err)));
        }
      });
      s.on('end', () => fail(new UnavailableError(`etcd watch stream from ${deps.endpoints.join(', ')} ended`)));
      const { key, end } = deps.codec.range(opts.prefix);
      // Starting at `after` rather than after+1 makes etcd refuse exactly when after < its
      // compacted revision, which is the contract; it also guarantees prev_kv for every event
      // delivered, since etcd reads the previous value at (event revision - 1) >= compacted.
      s.write({ create_request: { key, range_end: end, start_revision: Math.max(after, 1), prev_kv: true } });
    },
    (err) => fail(toStoreError(err, deps.endpoints)),
  );
  return watcher;
}
