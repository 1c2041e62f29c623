// The agent's control port (published on the host's 127.0.0.1 only, but reachable by pods on the
// cluster network, hence the secret): one CONTROL connection carrying tables down and acks up,
// DIAL connections for NodePort/LoadBalancer traffic, and parked REVERSE connections.
import { createServer, type Server, type Socket } from 'node:net';
import { onLines, parseHeader, readLine } from '../protocol';
import type { RoutingTable } from '../table';
import { createLimitedLog } from '../log-limit';
import type { ProxyMode } from './kernel-proxy';

/** What the agent sends up the control connection, one JSON object a line. */
export type AgentMessage =
  | { type: 'hello'; version: string; held: string[]; proxy?: ProxyMode }
  | { type: 'applied'; version: number; problems: string[]; proxy?: ProxyMode }
  | { type: 'reverse-wanted'; count: number }
  | { type: 'log'; line: string }
  | { type: 'pong' };

/** What the host sends down. */
export type HostMessage = { type: 'table'; table: RoutingTable } | { type: 'ping' };

export interface ControlServer {
  /** Sends to the current control connection (dropped when there is none). */
  send(m: AgentMessage): void;
  close(): void;
}

const HEADER_TIMEOUT_MS = 5000;

export async function startControlServer(o: {
  port: number;
  secret: string;
  hello(): AgentMessage;
  onMessage(m: HostMessage): void;
  onDial(socket: Socket, ip: string, port: number): void;
  onReverse(socket: Socket): void;
  log(line: string): void;
}): Promise<ControlServer> {
  let control: Socket | undefined;
  // Any pod on the cluster network can knock: one line a minute, with a count.
  const refusedLog = createLimitedLog((line) => o.log(line));

  function serveControl(s: Socket) {
    control?.destroy();
    control = s;
    s.setKeepAlive(true, 10_000);
    s.write(JSON.stringify(o.hello()) + '\n');
    onLines(s, (line) => {
      if (!line.trim()) return;
      try {
        o.onMessage(JSON.parse(line));
      } catch (e) {
        o.log(`control: bad message (${(e as Error).message})`);
      }
    });
    s.on('close', () => {
      if (control === s) control = undefined;
    });
    s.resume();
  }

  const server: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => {
    s.on('error', () => s.destroy());
    const timer = setTimeout(() => s.destroy(), HEADER_TIMEOUT_MS);
    readLine(s).then(
      (line) => {
        clearTimeout(timer);
        const h = parseHeader(line, o.secret);
        if ('error' in h) {
          refusedLog('refused', `control: refused a connection from ${s.remoteAddress}: ${h.error}`);
          return void s.end(`ERR ${h.error}\n`);
        }
        if (h.verb === 'CONTROL') serveControl(s);
        else if (h.verb === 'DIAL') o.onDial(s, h.ip, h.port);
        else o.onReverse(s);
      },
      () => {
        clearTimeout(timer);
        s.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    send(m) {
      if (control && !control.destroyed) control.write(JSON.stringify(m) + '\n');
    },
    close() {
      control?.destroy();
      server.close();
    },
  };
}
