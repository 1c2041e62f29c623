// The embedded store: one SQLite file (WAL, synchronous=FULL), so every resolved write is on
// disk. Writes are group-committed: all writes queued in one event-loop turn share one
// transaction and one fsync, and each still gets its own revision and its own checks.
import Database from 'better-sqlite3';
import {
  CompactedError,
  ConflictError,
  KeyExistsError,
  NotFoundError,
  StoreError,
  StoreFullError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type WatchEvent,
} from './types';
import { logRowToEvent, prepareSchema, rowToKv, utf8Compare, type Statements } from './sqlite-schema';
import { createWatchHub } from './watch-hub';

type Op =
  | { kind: 'create'; key: string; value: string }
  | { kind: 'update'; key: string; value: string; expected: number }
  | { kind: 'delete'; key: string; expected?: number };

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

interface Pending {
  op: Op;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** SQLite's "database or disk is full" (SQLITE_FULL) or the OS's ENOSPC under it. */
function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^SQLITE_FULL|ENOSPC/.test(code);
}

/** Revisions per physical compaction transaction (keeps each pause of the event loop short). */
const COMPACT_CHUNK = 5000;

export function openSqliteStore(opts: { path: string }): Store {
  let db: Database.Database;
  try {
    // A short busy timeout: a locked file means another process owns this store.
    db = new Database(opts.path, { timeout: 1000 });
    // Exclusive locking (set before WAL) keeps a second process from opening the same store,
    // which would break the single in-memory revision counter; it also skips the shm file.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('cache_size = -32000');
    db.exec('BEGIN IMMEDIATE; COMMIT');
  } catch (err) {
    throw new StoreError(`cannot open sqlite store ${opts.path}: ${(err as Error).message}`);
  }
  const st: Statements = prepareSchema(db);
  const meta = (name: string) => st.getMeta.get(name)?.value ?? 0;
  let rev = meta('rev');
  let compacted = meta('compacted');
  let closed = false;

  const hub = createWatchHub({
    readHistory: (prefix, after, limit) => st.history.all({ prefix, after, upto: rev, limit }).map(logRowToEvent),
    currentRevision: () => rev,
    compactedRevision: () => compacted,
  });

  // ---- writes -------------------------------------------------------------------------

  let queue: Pending[] = [];
  let flushScheduled = false;

  const enqueue = <T>(op: Op): Promise<T> => {
    if (closed) return Promise.reject(new StoreError('store is closed'));
    return new Promise<T>((resolve, reject) => {
      queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!flushScheduled) {
        flushScheduled = true;
        // setImmediate runs after the poll phase, so every request read in this turn joins the batch.
        setImmediate(flush);
      }
    });
  };

  // Applies one write inside the open transaction. Checks see earlier writes of the batch.
  const apply = (op: Op, nextRev: number, events: WatchEvent[]): Outcome => {
    const cur = st.getCurrent.get(op.key);
    if (op.kind === 'create') {
      if (cur) return { ok: false, error: new KeyExistsError(op.key) };
      st.insertHead.run(op.key, nextRev, nextRev);
      st.insertLog.run(nextRev, op.key, 0, op.value, nextRev, 0);
      const kv: KeyValue = { key: op.key, value: op.value, createRevision: nextRev, modRevision: nextRev };
      events.push({ type: 'put', kv, revision: nextRev });
      return { ok: true, value: kv };
    }
    if (!cur) return { ok: false, error: new NotFoundError(op.key) };
    const prev = rowToKv(cur);
    if (op.expected !== undefined && op.expected !== cur.mod_rev) {
      return { ok: false, error: new ConflictError(op.key, prev) };
    }
    if (op.kind === 'update') {
      st.updateHead.run(nextRev, op.key);
      st.insertLog.run(nextRev, op.key, 0, op.value, cur.create_rev, cur.mod_rev);
      const kv: KeyValue = { key: op.key, value: op.value, createRevision: cur.create_rev, modRevision: nextRev };
      events.push({ type: 'put', kv, prevKv: prev, revision: nextRev });
      return { ok: true, value: kv };
    }
    st.deleteHead.run(op.key);
    st.insertLog.run(nextRev, op.key, 1, '', cur.create_rev, cur.mod_rev);
    events.push({ type: 'delete', kv: { ...prev, modRevision: nextRev }, prevKv: prev, revision: nextRev });
    return { ok: true, value: { prev, revision: nextRev } };
  };

  const commitBatch = db.transaction((batch: Pending[], outcomes: Outcome[], events: WatchEvent[]) => {
    let next = rev;
    for (const p of batch) {
      const out = apply(p.op, next + 1, events);
      if (out.ok) next++;
      outcomes.push(out);
    }
    if (next !== rev) st.setMeta.run('rev', next);
    return next;
  });

  function flush(): void {
    flushScheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    const outcomes: Outcome[] = [];
    const events: WatchEvent[] = [];
    try {
      rev = commitBatch(batch, outcomes, events);
    } catch (err) {
      // The whole transaction rolled back (disk full, I/O error): nothing was written.
      const e = isDiskFull(err) ? new StoreFullError(opts.path) : new StoreError(`sqlite write failed: ${(err as Error).message}`);
      for (const p of batch) p.reject(e);
      return;
    }
    hub.publish(events);
    batch.forEach((p, i) => {
      const out = outcomes[i];
      if (out.ok) p.resolve(out.value);
      else p.reject(out.error);
    });
  }

  // ---- compaction -----------------------------------------------------------------------

  let compactChain: Promise<void> = Promise.resolve();
  const compactOnce = db.transaction((lo: number, hi: number) => {
    st.compactChunk.run({ lo, hi, compacted });
    st.setMeta.run('compact_physical', hi);
  });
  // Logical compaction (the compacted mark) is immediate; removing rows happens in chunks.
  const removeCompactedRows = async () => {
    let done = meta('compact_physical');
    while (!closed && done < compacted) {
      const hi = Math.min(done + COMPACT_CHUNK, compacted);
      compactOnce(done, hi);
      done = hi;
      await new Promise((r) => setImmediate(r));
    }
  };
  if (meta('compact_physical') < compacted) compactChain = removeCompactedRows();

  // ---- reads ----------------------------------------------------------------------------

  const ensureOpen = () => {
    if (closed) throw new StoreError('store is closed');
  };

  const list = (o: ListOptions): ListResult => {
    const at = o.revision && o.revision !== rev ? o.revision : 0;
    if (at && at <= compacted) throw new CompactedError(at, compacted);
    if (at > rev) throw new StoreError(`revision ${at} is in the future (current ${rev})`);
    const limit = o.limit && o.limit > 0 ? o.limit + 1 : -1;
    const after = o.after !== undefined && utf8Compare(o.after, o.prefix) >= 0 ? o.after : undefined;
    const rows = at
      ? after !== undefined
        ? st.listAtAfter.all({ prefix: o.prefix, after, rev: at, limit })
        : st.listAt.all({ prefix: o.prefix, rev: at, limit })
      : after !== undefined
        ? st.listLatestAfter.all({ prefix: o.prefix, after, limit })
        : st.listLatest.all({ prefix: o.prefix, limit });
    const more = limit > 0 && rows.length === limit;
    if (more) rows.pop();
    return { items: rows.map(rowToKv), revision: at || rev, more };
  };

  return {
    async currentRevision() {
      ensureOpen();
      return rev;
    },
    async get(key) {
      ensureOpen();
      const row = st.getCurrent.get(key);
      return row && rowToKv(row);
    },
    async list(o) {
      ensureOpen();
      return list(o);
    },
    async listRevisions(o) {
      ensureOpen();
      const limit = o.limit && o.limit > 0 ? o.limit + 1 : -1;
      const after = o.after !== undefined && utf8Compare(o.after, o.prefix) >= 0 ? o.after : undefined;
      const rows =
        after !== undefined
          ? st.listLatestRevsAfter.all({ prefix: o.prefix, after, limit })
          : st.listLatestRevs.all({ prefix: o.prefix, limit });
      const more = limit > 0 && rows.length === limit;
      if (more) rows.pop();
      return { items: rows.map((r) => ({ key: r.key, createRevision: r.create_rev, modRevision: r.mod_rev })), revision: rev, more };
    },
    async count(prefix) {
      ensureOpen();
      return st.count.get({ prefix })?.n ?? 0;
    },
    create: (key, value) => enqueue({ kind: 'create', key, value }),
    update: (key, value, expected) => enqueue({ kind: 'update', key, value, expected }),
    delete: (key, expected) => enqueue({ kind: 'delete', key, expected }),
    watch(o) {
      if (closed) {
        setImmediate(() => o.onError(new StoreError('store is closed')));
        return { close() {} };
      }
      return hub.add(o);
    },
    async compact(target) {
      ensureOpen();
      // The latest revision stays readable as the current state, so clamp to it.
      const c = Math.min(target, rev);
      if (c > compacted) {
        st.setMeta.run('compacted', c);
        compacted = c;
      }
      compactChain = compactChain.catch(() => undefined).then(removeCompactedRows);
      await compactChain;
    },
    async compactedRevision() {
      ensureOpen();
      return compacted;
    },
    async snapshot(file) {
      ensureOpen();
      flush(); // queued writes first: the copy holds every acknowledged one
      const at = rev;
      await db.backup(file);
      return { revision: at };
    },
    async close() {
      if (closed) return;
      flush();
      closed = true;
      hub.closeAll();
      await compactChain.catch(() => undefined);
      db.close();
    },
  };
}
