// skiff.log rotation by size. The cluster process writes the log through an O_APPEND descriptor
// it inherited, so rotation copies and truncates (logrotate's copytruncate): the writer keeps
// its descriptor and its next line lands at the start of the emptied file. Keeps `keep` old files
// (skiff.log.1 newest). A line written between the copy and the truncate can be lost: acceptable
// for a diagnostic log, and it needs no cooperation from the writer.
import { copyFileSync, existsSync, renameSync, rmSync, statSync, truncateSync } from 'node:fs';

export const LOG_MAX_BYTES = 10 << 20;
export const LOG_KEEP = 3;

/** Rotates `file` when it is larger than `maxBytes`; true when it did. Errors are the filesystem's. */
export function rotateLog(file: string, o: { maxBytes?: number; keep?: number } = {}): boolean {
  const maxBytes = o.maxBytes ?? LOG_MAX_BYTES;
  const keep = Math.max(1, o.keep ?? LOG_KEEP);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return false;
  }
  if (size <= maxBytes) return false;
  shiftOldLogs(file, keep);
  copyFileSync(file, `${file}.1`);
  truncateSync(file, 0);
  return true;
}

/** Makes room for a new `file.1`: drops `file.<keep>`, moves each `file.<i>` to `file.<i+1>`. */
export function shiftOldLogs(file: string, keep: number): void {
  rmSync(`${file}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
}

/**
 * Rotation for a log whose writer is ours and reopens it (the audit log): `file` becomes
 * `file.1` by rename, so nothing written in between is lost (the old descriptor writes into
 * `file.1`); the caller then opens `file` afresh.
 */
export function rotateByRename(file: string, keep: number): void {
  shiftOldLogs(file, Math.max(1, keep));
  if (existsSync(file)) renameSync(file, `${file}.1`);
}

/** Checks `file` every `everyMs` while the process lives (never keeps it alive). */
export function watchLogSize(
  file: string,
  o: { everyMs?: number; maxBytes?: number; keep?: number; onError?(e: Error): void } = {},
): () => void {
  const timer = setInterval(() => {
    try {
      rotateLog(file, o);
    } catch (e) {
      o.onError?.(e as Error);
    }
  }, o.everyMs ?? 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
