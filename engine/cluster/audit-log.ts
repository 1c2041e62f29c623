// The local cluster's audit log: `skiff start --audit-policy FILE|default|none` picks the policy
// (kept in cluster.json for later starts), and Events go as JSON lines to <cluster>/audit.log
// (0600), rotated by size: audit.log.1 newest, AUDIT_LOG_KEEP kept.
import { createWriteStream, openSync, readFileSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_AUDIT_POLICY, parseAuditPolicy, type AuditPolicy } from '../apiserver/audit/audit-policy';
import type { AuditSink } from '../apiserver/audit/auditor';
import { SkiffError } from './errors';
import { rotateByRename } from './log-rotation';

export const AUDIT_LOG_MAX_BYTES = 20 << 20;
export const AUDIT_LOG_KEEP = 5;

/** The policy a --audit-policy value names: "default" (DEFAULT_AUDIT_POLICY) or a file; "none" turns auditing off. */
export function loadAuditPolicy(value: string): AuditPolicy | undefined {
  if (value === 'none') return undefined;
  if (value === 'default') return parseAuditPolicy(DEFAULT_AUDIT_POLICY, 'the default audit policy');
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (err) {
    throw new SkiffError(`cannot read the audit policy ${value}: ${(err as Error).message}`, 'pass a Policy file, "default" or "none"');
  }
  try {
    return parseAuditPolicy(text, value);
  } catch (err) {
    throw new SkiffError((err as Error).message, 'the file must be an audit.k8s.io/v1 Policy (see "Audit log" in the README)');
  }
}

export function auditLogPath(clusterDir: string): string {
  return join(clusterDir, 'audit.log');
}

export interface AuditFile extends AuditSink {
  close(): Promise<void>;
}

/** Appends lines to `file` (batched per event-loop turn), rotating once it passes maxBytes. Write errors are reported once, never thrown. */
export function openAuditFile(file: string, o: { maxBytes?: number; keep?: number; onError?(e: Error): void } = {}): AuditFile {
  const maxBytes = o.maxBytes ?? AUDIT_LOG_MAX_BYTES;
  const keep = o.keep ?? AUDIT_LOG_KEEP;
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    // a new file
  }
  let failed = false;
  const open = (): WriteStream => {
    // Opened now, not on the stream's next tick: a rotation right after must find the file.
    const s = createWriteStream('', { fd: openSync(file, 'a', 0o600) });
    s.on('error', (e) => {
      if (!failed) o.onError?.(e);
      failed = true;
    });
    return s;
  };
  let stream = open();
  // Lines of one turn of the event loop go out as one write: a write per request costs more
  // than the rest of the event.
  let pending: string[] = [];
  const flush = () => {
    if (!pending.length) return;
    const text = pending.join('');
    pending = [];
    stream.write(text);
    size += Buffer.byteLength(text);
    if (size < maxBytes) return;
    try {
      rotateByRename(file, keep);
    } catch (e) {
      o.onError?.(e as Error);
    }
    stream.end();
    stream = open();
    size = 0;
  };
  return {
    write(line) {
      if (!pending.length) setImmediate(flush);
      pending.push(line + '\n');
    },
    close: () => {
      flush();
      return new Promise<void>((r) => stream.end(r));
    },
  };
}
