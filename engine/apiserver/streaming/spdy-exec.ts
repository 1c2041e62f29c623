// remotecommand over SPDY/3.1 (kubectl 1.27–1.29, and newer kubectl falling back): the client
// opens one stream per role, named by its `streamType` header. The session starts once every
// expected stream exists; the Status goes on the error stream (JSON from v4, text before).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecOptions } from '../../client/node-streams';
import { queuedSlot, type ExecStatus, type ExecTransport } from './pod-exec';
import { createSpdyConnection } from './spdy-connection';

export const SPDY_EXEC_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

export function isSpdyExecUpgrade(req: IncomingMessage): boolean {
  return (
    String(req.headers.upgrade ?? '')
      .trim()
      .toLowerCase() === 'spdy/3.1'
  );
}

/** The best protocol both sides speak (ours in preference order), or undefined. */
export function pickSpdyProtocol(req: IncomingMessage, supported = SPDY_EXEC_PROTOCOLS): string | undefined {
  const raw = req.headers['x-stream-protocol-version'];
  const offered = (Array.isArray(raw) ? raw.join(',') : (raw ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return supported.find((p) => offered.includes(p));
}

/** Writes the 101 and returns a transport once the client opened its streams. */
export function acceptSpdyExec(socket: Duplex, head: Buffer, protocol: string, opts: ExecOptions): Promise<ExecTransport> {
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`,
  );
  const ids = new Map<string, number>();
  const roles = new Map<number, string>();
  const stdin = queuedSlot<[Buffer | null]>();
  const resize = queuedSlot<[number, number]>();
  const closed = queuedSlot<[]>();
  let resizeBuf = '';
  const withResize = opts.tty && protocol !== 'channel.k8s.io' && protocol !== 'v2.channel.k8s.io';
  const expected = [
    'error',
    ...(opts.stdin ? ['stdin'] : []),
    ...(opts.stdout ? ['stdout'] : []),
    ...(opts.stderr ? ['stderr'] : []),
    ...(withResize ? ['resize'] : []),
  ];
  let ready: () => void = () => {};
  const allThere = new Promise<void>((r) => (ready = r));
  const conn = createSpdyConnection(socket, head, {
    onStream(id: number, headers: Record<string, string>) {
      const role = headers['streamtype'] ?? '';
      ids.set(role, id);
      roles.set(id, role);
      if (expected.every((r) => ids.has(r))) ready();
    },
    onData(id: number, data: Buffer) {
      const role = roles.get(id);
      if (role === 'stdin') stdin.call(data);
      else if (role === 'resize') {
        // A stream of JSON objects, one per line (Go's json.Encoder).
        resizeBuf += data.toString('utf8');
        let nl: number;
        while ((nl = resizeBuf.indexOf('\n')) >= 0) {
          const line = resizeBuf.slice(0, nl);
          resizeBuf = resizeBuf.slice(nl + 1);
          try {
            const s = JSON.parse(line);
            resize.call(Number(s.Width) || 0, Number(s.Height) || 0);
          } catch {
            // ignore malformed sizes
          }
        }
      }
    },
    onEnd(id: number) {
      if (roles.get(id) === 'stdin') stdin.call(null);
    },
    onReset(id: number) {
      if (roles.get(id) === 'stdin') stdin.call(null);
    },
    onClose: () => closed.call(),
  });
  const v4 = protocol === 'v4.channel.k8s.io';
  const write = (role: string, b: Buffer) => {
    const id = ids.get(role);
    if (id !== undefined) conn.write(id, b);
  };
  const transport: ExecTransport = {
    onStdin: (cb) => stdin.set(cb),
    onResize: (cb) => resize.set(cb),
    onClose: (cb) => closed.set(cb),
    writeStdout: (b) => write('stdout', b),
    writeStderr: (b) => write('stderr', b),
    finish(status: ExecStatus) {
      if (v4) write('error', Buffer.from(JSON.stringify(status)));
      else if (status.status !== 'Success') write('error', Buffer.from(String(status.message ?? 'error')));
      for (const id of ids.values()) conn.end(id);
      conn.close();
    },
  };
  // Upstream gives clients a while to open their streams, then proceeds with what it has.
  return Promise.race([allThere, new Promise<void>((r) => setTimeout(r, 10_000).unref())]).then(() => transport);
}
