// The wire between Skiff (the host) and the network agent, on the agent's control port. Every
// connection opens with one line carrying the cluster's secret and a verb:
//   SKIFF-NET/1 <secret> CONTROL          newline-delimited JSON both ways (tables down, acks up)
//   SKIFF-NET/1 <secret> DIAL <ip> <port>  the agent answers OK (or ERR why) and pipes to a backend
//   SKIFF-NET/1 <secret> REVERSE           parked; the agent writes "GO <ip> <port>" when a pod needs
//                                          the host side of that Service (the API server), then pipes
// Pure except for readLine; the agent bundles it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';

export const PROTOCOL = 'SKIFF-NET/1';
export const MAX_LINE = 1024;

export type Header = { verb: 'CONTROL' } | { verb: 'DIAL'; ip: string; port: number } | { verb: 'REVERSE' };

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const portOf = (s: string | undefined) => (s && /^\d{1,5}$/.test(s) && +s > 0 && +s < 65536 ? +s : undefined);

export function formatHeader(secret: string, h: Header): string {
  const args = h.verb === 'DIAL' ? ` ${h.ip} ${h.port}` : '';
  return `${PROTOCOL} ${secret} ${h.verb}${args}\n`;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Parses a header line (without its newline); `error` says why it is refused. */
export function parseHeader(line: string, secret: string): Header | { error: string } {
  const parts = line.trim().split(/ +/);
  if (parts[0] !== PROTOCOL) return { error: `not a ${PROTOCOL} header` };
  if (!parts[1] || !timingSafeEqual(digest(parts[1]), digest(secret))) return { error: 'bad secret' };
  switch (parts[2]) {
    case 'CONTROL':
    case 'REVERSE':
      return parts.length === 3 ? { verb: parts[2] } : { error: `${parts[2]} takes no arguments` };
    case 'DIAL': {
      const port = portOf(parts[4]);
      if (parts.length !== 5 || !IPV4.test(parts[3]) || !port) return { error: 'DIAL needs <ipv4> <port>' };
      return { verb: 'DIAL', ip: parts[3], port };
    }
  }
  return { error: `unknown verb ${parts[2] ?? '(none)'}` };
}

export const formatGo = (ip: string, port: number) => `GO ${ip} ${port}\n`;

export function parseGo(line: string): { ip: string; port: number } | undefined {
  const parts = line.trim().split(' ');
  const port = portOf(parts[2]);
  return parts.length === 3 && parts[0] === 'GO' && IPV4.test(parts[1]) && port ? { ip: parts[1], port } : undefined;
}

/**
 * Reads one line from a socket; bytes after it are pushed back (unshift) so a later pipe sees
 * them first. Rejects on close, error, or a line longer than `max`.
 */
export function readLine(socket: Socket, max = MAX_LINE): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (err?: Error, line?: string) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
      socket.pause();
      if (err) reject(err);
      else resolve(line!);
    };
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const i = buf.indexOf(10);
      if (i >= 0) {
        const rest = buf.subarray(i + 1);
        done(undefined, buf.subarray(0, i).toString('utf8').replace(/\r$/, ''));
        if (rest.length) socket.unshift(rest);
      } else if (buf.length > max) done(new Error(`line longer than ${max} bytes`));
    };
    const onEnd = () => done(new Error('connection closed before a full line'));
    const onError = (e: Error) => done(e);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    socket.resume();
  });
}

/**
 * Joins two sockets both ways. Half-closes pass through (create both with allowHalfOpen, so a
 * client that shuts down its sending side still gets the reply); an error on either destroys
 * both; one side fully closed ends the other once its pending bytes are written.
 */
export function joinSockets(a: Socket, b: Socket): void {
  // Relayed writes are already sized by the peer: Nagle would hold a reply's second chunk for the
  // client's delayed ACK (tens of ms per request).
  a.setNoDelay(true);
  b.setNoDelay(true);
  a.pipe(b);
  b.pipe(a);
  const kill = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', kill);
  b.on('error', kill);
  a.on('close', () => b.destroySoon());
  b.on('close', () => a.destroySoon());
  a.resume();
  b.resume();
}

/** Calls `fn` with each newline-terminated line the socket sends (as UTF-8, without the newline). */
export function onLines(socket: Socket, fn: (line: string) => void): void {
  let buf = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      fn(line);
    }
  });
}
