// A live Table: list in pages (the first 500 rows paint at once), then watch from the
// list's resourceVersion, applying events at most once per frame. Relists on 410 Expired,
// when the watch ends, and (with back-off) after errors.
import type { K8sClient } from './client';
import { tableAccept } from './client';
import { K8sError } from './errors';
import { createFrameBatcher, type FrameBatcher, type Scheduler } from './frame-batcher';
import { createLineSplitter, readTextStream } from './line-splitter';
import type { StreamPriority, StreamSlots } from './stream-slots';
import { toRow, type Row, type RowEvent } from './table-model';
import type { KubeStatus, RawTable, TableColumnDefinition } from './types';

export interface ListWatchHandlers {
  /** Replaces everything (first page of the first list, or a finished relist). */
  onReset(columns: TableColumnDefinition[], rows: Row[], complete: boolean): void;
  /** More rows of the initial list. */
  onPage(rows: Row[], complete: boolean): void;
  onEvents(events: RowEvent[]): void;
  /** An error; the list retries by itself unless stopped. null clears a previous error. */
  onError(err: Error | null): void;
}

export interface ListWatchOptions extends ListWatchHandlers {
  client: K8sClient;
  /** Collection path, e.g. /api/v1/namespaces/default/pods */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  includeObject?: 'None' | 'Metadata' | 'Object';
  /** Rows in the first page (painted at once); later pages are bigger (fewer round trips). */
  pageSize?: number;
  nextPageSize?: number;
  schedule?: Scheduler;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Watches take a connection slot; without one (or with poll set) the list is re-read every pollMs. */
  slots?: StreamSlots;
  /** background: the watch gives its slot up to a foreground stream that needs it, and polls until one is free. */
  priority?: StreamPriority;
  poll?: boolean;
  pollMs?: number;
}

export interface ListWatch {
  stop(): void;
}

class Relist extends Error {}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}

export function backoffMs(attempt: number, err: unknown): number {
  const slow = err instanceof K8sError && (err.code === 403 || err.code === 404 || err.code === 401);
  const base = slow ? 15_000 : 1000;
  return Math.min(slow ? 60_000 : 10_000, base * 2 ** Math.max(0, attempt - 1));
}

type ListQuery = Pick<ListWatchOptions, 'labelSelector' | 'fieldSelector' | 'includeObject'>;

const baseQueryOf = (q: ListQuery) => ({
  labelSelector: q.labelSelector,
  fieldSelector: q.fieldSelector,
  includeObject: q.includeObject ?? 'Metadata',
});

/** The query of a list's first page (what the boot primes for the view a reload lands on). */
export function firstPageQuery(q: ListQuery & Pick<ListWatchOptions, 'pageSize'> = {}): Record<string, string | undefined> {
  return { ...baseQueryOf(q), limit: String(q.pageSize ?? 500), continue: undefined };
}

export function startListWatch(opts: ListWatchOptions): ListWatch {
  const abort = new AbortController();
  const signal = abort.signal;
  const sleep = opts.sleep ?? defaultSleep;
  const baseQuery = baseQueryOf(opts);
  const full = baseQuery.includeObject === 'Object';
  let columns: TableColumnDefinition[] = [];
  let batcher: FrameBatcher<RowEvent> | undefined;

  async function list(initial: boolean): Promise<string> {
    let token: string | undefined;
    let rv = '';
    const all: Row[] = [];
    let first = true;
    do {
      const t: RawTable = await opts.client.getJson(opts.path, {
        accept: tableAccept,
        signal,
        what: opts.path,
        query: first ? firstPageQuery(opts) : { ...baseQuery, limit: String(opts.nextPageSize ?? 5000), continue: token },
      });
      if (t.columnDefinitions?.length) columns = t.columnDefinitions;
      const rows = (t.rows ?? []).map((r) => toRow(r, columns, full));
      token = t.metadata?.continue || undefined;
      if (first) rv = t.metadata?.resourceVersion ?? '';
      if (initial) {
        if (first) opts.onReset(columns, rows, !token);
        else opts.onPage(rows, !token);
      } else all.push(...rows);
      first = false;
    } while (token && !signal.aborted);
    if (!initial) opts.onReset(columns, all, true);
    return rv;
  }

  async function watch(rv: string, watchSignal: AbortSignal): Promise<void> {
    const res = await opts.client.open(opts.path, {
      accept: tableAccept,
      signal: watchSignal,
      what: opts.path,
      query: { ...baseQuery, watch: '1', allowWatchBookmarks: 'true', resourceVersion: rv || undefined },
    });
    if (!res.body) throw new Relist('watch without a body');
    const b = (batcher = createFrameBatcher<RowEvent>((events) => opts.onEvents(events), opts.schedule));
    let expired = false;
    const splitter = createLineSplitter((line) => {
      if (!line.trim() || expired) return;
      const ev = JSON.parse(line) as { type: string; object: unknown };
      if (ev.type === 'ERROR') {
        const st = ev.object as KubeStatus;
        if (st.code === 410 || st.reason === 'Expired' || st.reason === 'Gone') expired = true;
        else throw new K8sError(st.message ?? 'watch error', st.code ?? 500, st.reason ?? '', '');
        return;
      }
      if (ev.type === 'BOOKMARK') return;
      if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED' && ev.type !== 'DELETED') return;
      const table = ev.object as RawTable;
      if (table.columnDefinitions?.length && columns.length === 0) columns = table.columnDefinitions;
      for (const raw of table.rows ?? []) b.push({ type: ev.type, row: toRow(raw, columns, full) });
    });
    try {
      await readTextStream(res.body, (text) => {
        splitter.push(text);
        if (expired) throw new Relist('expired');
      });
      splitter.flush();
    } finally {
      b.flush();
      b.cancel();
    }
  }

  (async () => {
    let initial = true;
    let attempt = 0;
    while (!signal.aborted) {
      try {
        const rv = await list(initial);
        initial = false;
        attempt = 0;
        opts.onError(null);
        // A revoked watch (its slot taken by a foreground stream) stops here and goes back to polling.
        const revoke = new AbortController();
        const stopWatch = () => revoke.abort();
        const release = opts.poll
          ? null
          : opts.slots
            ? opts.slots.tryAcquire({ priority: opts.priority, onRevoke: opts.priority === 'background' ? stopWatch : undefined })
            : () => {};
        if (!release) {
          await sleep(opts.pollMs ?? 3000, signal);
          continue;
        }
        signal.addEventListener('abort', stopWatch, { once: true });
        try {
          await watch(rv, revoke.signal);
        } catch (e) {
          if (!revoke.signal.aborted || signal.aborted) throw e;
        } finally {
          signal.removeEventListener('abort', stopWatch);
          release();
        }
        // The stream ended (server timeout, proxy restart) or was revoked: start over from a fresh
        // list (a revoked watch then polls until a slot is free).
      } catch (e) {
        if (signal.aborted) break;
        if (e instanceof Relist) continue;
        attempt++;
        opts.onError(e instanceof Error ? e : new Error(String(e)));
        await sleep(backoffMs(attempt, e), signal);
      }
    }
  })();

  return {
    stop() {
      batcher?.cancel();
      abort.abort();
    },
  };
}
