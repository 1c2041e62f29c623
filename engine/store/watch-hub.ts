// Fan-out of committed events to watchers for an embedded store. A new watcher first
// replays history in chunks (yielding between chunks so a long replay does not stall
// the process), then turns live. While it replays, live commits skip it; the next chunk
// reads them from history instead. Everything runs on the one JS thread and history reads
// are synchronous, so the switch to live happens between commits: no gap, no duplicate.
import { CompactedError, type WatchEvent, type Watcher, type WatchOptions } from './types';

export interface WatchHubDeps {
  /** Committed events under prefix with revision > after, oldest first, at most limit. */
  readHistory(prefix: string, after: number, limit: number): WatchEvent[];
  currentRevision(): number;
  compactedRevision(): number;
  /** Events per replay chunk. */
  chunkSize?: number;
}

export interface WatchHub {
  add(opts: WatchOptions): Watcher;
  /** Called right after a commit with that commit's events, in revision order. */
  publish(events: WatchEvent[]): void;
  /** Drops every watcher without calling onError (store closing). */
  closeAll(): void;
  size(): number;
}

interface Entry {
  opts: WatchOptions;
  /** Order of creation: watchers of one event are called in it. */
  seq: number;
  /** Every event with revision <= last has been delivered or skipped as not matching. */
  last: number;
  live: boolean;
  closed: boolean;
}

export function createWatchHub(deps: WatchHubDeps): WatchHub {
  const chunk = deps.chunkSize ?? 1000;
  const entries = new Set<Entry>();
  // Watchers by prefix when it ends in '/' (a kind's or a namespace's, nearly all): an event's
  // key then finds its watchers among its own few '/'-prefixes instead of testing every watcher
  // (the in-process controllers and caches hold dozens). Other prefixes are tested one by one.
  const byPrefix = new Map<string, Set<Entry>>();
  const unindexed = new Set<Entry>();
  let nextSeq = 0;

  const close = (e: Entry) => {
    e.closed = true;
    entries.delete(e);
    const p = e.opts.prefix;
    if (!p.endsWith('/')) unindexed.delete(e);
    else {
      const set = byPrefix.get(p);
      set?.delete(e);
      if (set?.size === 0) byPrefix.delete(p);
    }
  };

  /** Live watchers under whose prefix `key` falls, in creation order. */
  const watchersOf = (key: string): Entry[] => {
    const found: Entry[] = [];
    let sorted = true;
    const take = (e: Entry) => {
      if (!e.live || e.closed) return;
      if (found.length && found[found.length - 1].seq > e.seq) sorted = false;
      found.push(e);
    };
    for (let i = key.indexOf('/'); i >= 0; i = key.indexOf('/', i + 1)) {
      const set = byPrefix.get(key.slice(0, i + 1));
      if (set) for (const e of set) take(e);
    }
    for (const e of unindexed) if (key.startsWith(e.opts.prefix)) take(e);
    if (!sorted) found.sort((a, b) => a.seq - b.seq);
    return found;
  };
  const fail = (e: Entry, err: Error) => {
    if (e.closed) return;
    close(e);
    e.opts.onError(err);
  };
  // A throwing consumer ends its own watch rather than breaking the commit that fed it.
  const deliver = (e: Entry, events: WatchEvent[]) => {
    if (events.length === 0 || e.closed) return;
    try {
      e.opts.onEvents(events);
    } catch (err) {
      fail(e, err instanceof Error ? err : new Error(String(err)));
    }
  };

  const replayStep = (e: Entry) => {
    if (e.closed) return;
    const compacted = deps.compactedRevision();
    if (e.last < compacted) return fail(e, new CompactedError(e.last, compacted));
    const upto = deps.currentRevision();
    const events = deps.readHistory(e.opts.prefix, e.last, chunk);
    if (events.length === chunk) {
      e.last = events[events.length - 1].revision;
      deliver(e, events);
      setImmediate(() => replayStep(e));
      return;
    }
    e.last = Math.max(e.last, upto);
    e.live = true;
    deliver(e, events);
  };

  return {
    add(opts) {
      const e: Entry = { opts, seq: nextSeq++, last: opts.afterRevision, live: false, closed: false };
      entries.add(e);
      const p = opts.prefix;
      if (!p.endsWith('/')) unindexed.add(e);
      else {
        let set = byPrefix.get(p);
        if (!set) byPrefix.set(p, (set = new Set()));
        set.add(e);
      }
      // Deferred so callbacks never run before watch() has returned its handle.
      setImmediate(() => replayStep(e));
      return { close: () => close(e) };
    },
    publish(events) {
      if (events.length === 0) return;
      const top = events[events.length - 1].revision;
      if (events.length === 1) {
        // Most commits write one key: only its watchers are looked at, and they share the array.
        const ev = events[0];
        for (const e of watchersOf(ev.kv.key)) {
          if (e.closed || ev.revision <= e.last) continue;
          e.last = Math.max(e.last, top);
          deliver(e, events);
        }
        return;
      }
      // A batch (concurrent writes commit together): each watcher gets its own events in
      // order, watchers called in the order they were made.
      const mine = new Map<Entry, WatchEvent[]>();
      for (const ev of events) {
        for (const e of watchersOf(ev.kv.key)) {
          if (ev.revision <= e.last) continue;
          const list = mine.get(e);
          if (list) list.push(ev);
          else mine.set(e, [ev]);
        }
      }
      for (const e of [...mine.keys()].sort((a, b) => a.seq - b.seq)) {
        if (e.closed) continue;
        e.last = Math.max(e.last, top);
        deliver(e, mine.get(e)!);
      }
    },
    closeAll() {
      for (const e of [...entries]) close(e);
    },
    size: () => entries.size,
  };
}
