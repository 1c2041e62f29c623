// Small JSON state files (sources, consent, settings): read with a clear error when damaged,
// written atomically (temp file + rename) with mode 0600 so a crash or a concurrent reader
// (the app and the CLI share them) never sees half a file.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The parsed file, or `fallback` when it does not exist. Damaged files throw (and are never overwritten silently). */
export function readJsonFile<T>(path: string, fallback: T): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  if (text.trim() === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`${path} is damaged (${(err as Error).message}); fix it or move it away (Skiff then starts it afresh)`);
  }
}

/**
 * readJsonFile that parses again only when the file changed (inode, size, mtime): profile
 * lists ask for consent and settings of every profile, often. Writes go through rename, so
 * every write is a new inode.
 */
export function cachedJsonReader<T>(path: string, fallback: T): () => T {
  let sig = '';
  let value = fallback;
  return () => {
    let now: string;
    try {
      const st = statSync(path);
      now = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      now = 'missing';
    }
    if (now !== sig) {
      value = readJsonFile(path, fallback);
      sig = now;
    }
    return value;
  };
}

let seq = 0;

export function writeJsonFile(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

export function writeFileAtomic(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${++seq}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
