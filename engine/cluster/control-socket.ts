// <data dir>/<name>/control.sock: a Unix socket (mode 0600, so only the cluster's owner) on
// which a running cluster answers its own CLI's requests that need the process itself — a
// SQLite snapshot, since the store holds its file under an exclusive lock while it runs.
import { chmodSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { isAbsolute } from 'node:path';

export interface ControlHandlers {
  snapshot(file: string): Promise<{ revision: number }>;
}

type Request = { op: 'snapshot'; file: string };
type Reply = { ok: true; revision: number } | { ok: false; error: string };

export async function startControlSocket(path: string, h: ControlHandlers): Promise<{ close(): void }> {
  rmSync(path, { force: true }); // a socket left by a killed process
  const server: Server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => {});
    sock.on('data', (d: string) => {
      buf += d;
      if (!buf.includes('\n') || buf.length > 8192) return;
      let req: Request | undefined;
      try {
        req = JSON.parse(buf.slice(0, buf.indexOf('\n'))) as Request;
      } catch {
        req = undefined;
      }
      const answer = (r: Reply) => sock.end(JSON.stringify(r) + '\n');
      if (req?.op !== 'snapshot' || typeof req.file !== 'string' || !isAbsolute(req.file))
        return answer({ ok: false, error: 'bad request' });
      h.snapshot(req.file).then(
        (r) => answer({ ok: true, revision: r.revision }),
        (e: Error) => answer({ ok: false, error: e.message }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return {
    close() {
      server.close();
      rmSync(path, { force: true });
    },
  };
}

/** Asks the running cluster to write a snapshot to `file` (absolute). */
export function requestSnapshot(path: string, file: string, timeoutMs = 120_000): Promise<{ revision: number }> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let buf = '';
    sock.setEncoding('utf8');
    sock.setTimeout(timeoutMs, () => sock.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    sock.on('connect', () => sock.write(JSON.stringify({ op: 'snapshot', file }) + '\n'));
    sock.on('data', (d: string) => (buf += d));
    sock.on('error', reject);
    sock.on('end', () => {
      try {
        const r = JSON.parse(buf) as Reply;
        if (r.ok) resolve({ revision: r.revision });
        else reject(new Error(r.error));
      } catch {
        reject(new Error('the cluster gave no answer'));
      }
    });
  });
}
