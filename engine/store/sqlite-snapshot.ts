// SQLite snapshots: a copy made with SQLite's online backup API (by the running store itself,
// or from a stopped cluster's file here), and a restore that builds a new store file from it.
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StoreError } from './types';

const MAGIC = 'SQLite format 3\0';

/** True when `file` starts with SQLite's header (else it may be an etcd snapshot). */
export function isSqliteFile(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    return readSync(fd, buf, 0, 16, 0) === 16 && buf.toString('latin1') === MAGIC;
  } finally {
    closeSync(fd);
  }
}

/** What a snapshot holds: keys and the revision, or a StoreError when it is no Skiff store. */
export function inspectSqliteSnapshot(file: string): { keys: number; revision: number } {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const keys = (db.prepare('SELECT count(*) AS n FROM kv_current').get() as { n: number }).n;
    const revision = (db.prepare("SELECT value FROM meta WHERE name = 'rev'").get() as { value: number } | undefined)?.value ?? 0;
    return { keys, revision };
  } catch (err) {
    throw new StoreError(`${file} is not a Skiff SQLite snapshot (${(err as Error).message})`);
  } finally {
    db?.close();
  }
}

/** Backs up a store file nobody has open (a stopped cluster's state.db) into `file`. */
export async function saveSqliteFile(dbPath: string, file: string): Promise<{ revision: number }> {
  const db = new Database(dbPath, { fileMustExist: true, timeout: 1000 });
  try {
    await db.backup(file);
  } finally {
    db.close();
  }
  return { revision: inspectSqliteSnapshot(file).revision };
}

/** Builds the store file `dbPath` (which must not exist) from a snapshot. */
export async function restoreSqliteSnapshot(file: string, dbPath: string): Promise<{ keys: number; revision: number }> {
  const facts = inspectSqliteSnapshot(file);
  if (existsSync(dbPath)) throw new StoreError(`${dbPath} already exists`);
  const tmp = `${dbPath}.restore-${process.pid}`;
  const src = new Database(file, { readonly: true, fileMustExist: true });
  try {
    await src.backup(tmp);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    src.close();
  }
  renameSync(tmp, dbPath);
  return facts;
}
