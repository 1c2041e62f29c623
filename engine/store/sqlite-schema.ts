// Schema and prepared statements of the SQLite store.
// kv_log holds one row per revision (values, watch history, reads at older revisions); kv_head
// holds each live key's create and mod revisions, its value being the log row at mod_rev, so a
// value is stored once (sqlite-format.ts: the older layout and the view that keeps it readable).
// A log row's previous value is the log row at prev_mod_rev, joined likewise; compaction never
// removes a row that a head or a surviving row still points at (see compactChunk).
import type { Database, Statement } from 'better-sqlite3';
import type { KeyValue, WatchEvent } from './types';
import { migrateCurrentTable } from './sqlite-format';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv_head (
  key TEXT PRIMARY KEY,
  create_rev INTEGER NOT NULL,
  mod_rev INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv_log (
  rev INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  value TEXT NOT NULL,            -- '' for deletes: the last value is the row at prev_mod_rev
  create_rev INTEGER NOT NULL,
  prev_mod_rev INTEGER NOT NULL   -- 0 for creates
);
CREATE INDEX IF NOT EXISTS kv_log_key_rev ON kv_log (key, rev);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

// Upper bound of a prefix range: x'F5' never occurs in UTF-8, so prefix||F5 sorts after
// every valid key that starts with prefix (TEXT compares bytewise under BINARY collation).
const inPrefix = (col: string) => `${col} >= :prefix AND ${col} < (:prefix || x'F5')`;
const inPrefixAfter = (col: string) => `${col} > :after AND ${col} < (:prefix || x'F5')`;

export interface CurrentRow {
  key: string;
  value: string;
  create_rev: number;
  mod_rev: number;
}
export interface LogRow {
  rev: number;
  key: string;
  deleted: number;
  value: string;
  create_rev: number;
  prev_mod_rev: number;
  prev_value: string | null;
}

export interface Statements {
  getCurrent: Statement<[string], CurrentRow>;
  insertHead: Statement<[string, number, number]>;
  updateHead: Statement<[number, string]>;
  deleteHead: Statement<[string]>;
  insertLog: Statement<[number, string, number, string, number, number]>;
  getMeta: Statement<[string], { value: number }>;
  setMeta: Statement<[string, number]>;
  count: Statement<[{ prefix: string }], { n: number }>;
  listLatest: Statement<[{ prefix: string; limit: number }], CurrentRow>;
  listLatestRevs: Statement<[{ prefix: string; limit: number }], Omit<CurrentRow, 'value'>>;
  listLatestRevsAfter: Statement<[{ prefix: string; after: string; limit: number }], Omit<CurrentRow, 'value'>>;
  listLatestAfter: Statement<[{ prefix: string; after: string; limit: number }], CurrentRow>;
  listAt: Statement<[{ prefix: string; rev: number; limit: number }], CurrentRow>;
  listAtAfter: Statement<[{ prefix: string; after: string; rev: number; limit: number }], CurrentRow>;
  history: Statement<[{ prefix: string; after: number; upto: number; limit: number }], LogRow>;
  compactChunk: Statement<[{ lo: number; hi: number; compacted: number }]>;
}

export function prepareSchema(db: Database): Statements {
  db.exec(SCHEMA);
  migrateCurrentTable(db);
  // State at revision :rev = the newest log row per key at or below :rev, unless it is a delete.
  const at = (range: (col: string) => string) => `
    SELECT l.key, l.value, l.create_rev, l.rev AS mod_rev FROM kv_log l
    WHERE ${range('l.key')} AND l.rev <= :rev AND l.deleted = 0
      AND l.rev = (SELECT max(m.rev) FROM kv_log m WHERE m.key = l.key AND m.rev <= :rev)
    ORDER BY l.key LIMIT :limit`;
  // Live keys with their values: each head joined to its log row at mod_rev.
  const heads = 'SELECT h.key, l.value, h.create_rev, h.mod_rev FROM kv_head h JOIN kv_log l ON l.rev = h.mod_rev';
  const latest = (range: (col: string) => string) => `${heads} WHERE ${range('h.key')} ORDER BY h.key LIMIT :limit`;
  return {
    getCurrent: db.prepare(`${heads} WHERE h.key = ?`),
    insertHead: db.prepare('INSERT INTO kv_head (key, create_rev, mod_rev) VALUES (?, ?, ?)'),
    updateHead: db.prepare('UPDATE kv_head SET mod_rev = ? WHERE key = ?'),
    deleteHead: db.prepare('DELETE FROM kv_head WHERE key = ?'),
    insertLog: db.prepare('INSERT INTO kv_log (rev, key, deleted, value, create_rev, prev_mod_rev) VALUES (?, ?, ?, ?, ?, ?)'),
    getMeta: db.prepare('SELECT value FROM meta WHERE name = ?'),
    setMeta: db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
    count: db.prepare(`SELECT count(*) AS n FROM kv_head WHERE ${inPrefix('key')}`),
    listLatest: db.prepare(latest(inPrefix)),
    listLatestRevs: db.prepare(`SELECT key, create_rev, mod_rev FROM kv_head WHERE ${inPrefix('key')} ORDER BY key LIMIT :limit`),
    listLatestRevsAfter: db.prepare(`SELECT key, create_rev, mod_rev FROM kv_head WHERE ${inPrefixAfter('key')} ORDER BY key LIMIT :limit`),
    listLatestAfter: db.prepare(latest(inPrefixAfter)),
    listAt: db.prepare(at(inPrefix)),
    listAtAfter: db.prepare(at(inPrefixAfter)),
    history: db.prepare(`
      SELECT l.rev, l.key, l.deleted, l.value, l.create_rev, l.prev_mod_rev, p.value AS prev_value
      FROM kv_log l LEFT JOIN kv_log p ON p.rev = l.prev_mod_rev
      WHERE l.rev > :after AND l.rev <= :upto
        AND ${inPrefix('l.key')}
      ORDER BY l.rev LIMIT :limit`),
    // Rows at or below the compacted revision that no read above it can need: deletes, and
    // puts superseded by a later row that is itself at or below it. The newest row of a key
    // at or below the compacted revision survives; it is the prev of the key's next row.
    compactChunk: db.prepare(`
      DELETE FROM kv_log WHERE rev > :lo AND rev <= :hi AND (deleted = 1 OR EXISTS (
        SELECT 1 FROM kv_log n WHERE n.key = kv_log.key AND n.rev > kv_log.rev AND n.rev <= :compacted))`),
  };
}

export function rowToKv(row: CurrentRow): KeyValue {
  return { key: row.key, value: row.value, createRevision: row.create_rev, modRevision: row.mod_rev };
}

/** Builds the event a log row stands for (the same shape live commits publish). */
export function logRowToEvent(row: LogRow): WatchEvent {
  const prevKv: KeyValue | undefined = row.prev_mod_rev
    ? { key: row.key, value: row.prev_value ?? '', createRevision: row.create_rev, modRevision: row.prev_mod_rev }
    : undefined;
  if (row.deleted) {
    return {
      type: 'delete',
      kv: { key: row.key, value: prevKv?.value ?? '', createRevision: row.create_rev, modRevision: row.rev },
      prevKv,
      revision: row.rev,
    };
  }
  return {
    type: 'put',
    kv: { key: row.key, value: row.value, createRevision: row.create_rev, modRevision: row.rev },
    prevKv,
    revision: row.rev,
  };
}

/** Compares keys in UTF-8 byte order, the order SQLite (BINARY) and etcd sort keys in. */
export function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
