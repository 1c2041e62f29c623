// Test helper: collects a watch's events and errors and waits for them.
import type { Store, WatchEvent } from '../types';

export interface Collector {
  events: WatchEvent[];
  errors: Error[];
  waitForEvents(n: number, timeoutMs?: number): Promise<WatchEvent[]>;
  waitForError(timeoutMs?: number): Promise<Error>;
  close(): void;
}

export function collect(store: Store, prefix: string, afterRevision: number): Collector {
  const events: WatchEvent[] = [];
  const errors: Error[] = [];
  const watcher = store.watch({
    prefix,
    afterRevision,
    onEvents: (evs) => events.push(...evs),
    onError: (err) => errors.push(err),
  });
  const until = async (cond: () => boolean, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return {
    events,
    errors,
    async waitForEvents(n, timeoutMs = 5000) {
      await until(() => events.length >= n || errors.length > 0, `${n} events (have ${events.length})`, timeoutMs);
      if (errors.length) throw errors[0];
      return events;
    },
    async waitForError(timeoutMs = 5000) {
      await until(() => errors.length > 0, 'a watch error', timeoutMs);
      return errors[0];
    },
    close: () => watcher.close(),
  };
}
