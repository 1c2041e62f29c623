// Skiff's side of the agent's control port: the control connection (pushes the newest routing
// table, re-sent after every reconnect; hears acks, logs and requests for reverse connections),
// DIAL connections for traffic from the host, and a pool of parked REVERSE connections on which
// the agent sends pods' connections to the host side of a Service (the API server).
import { connect, type Socket } from 'node:net';
import { formatHeader, joinSockets, onLines, parseGo, readLine, type Header } from './protocol';
import type { Endpoint, RoutingTable } from './table';
import type { AgentMessage } from './agent/control-server';
import type { ProxyMode } from './agent/kernel-proxy';
import { createLimitedLog } from './log-limit';

export interface AgentLink {
  /** Sends the table now (or on the next connection); newest wins. */
  push(table: RoutingTable): void;
  /** Resolves when the agent has applied `version` or later. */
  applied(version: number, timeoutMs?: number): Promise<void>;
  /** A connection to a backend of ip:port/TCP through the agent; resolves once the agent said OK (paused). */
  dial(ip: string, port: number): Promise<Socket>;
  /**
   * Carries `client` to a backend of ip:port/TCP (NodePort, LoadBalancer). The client's bytes flow
   * before the agent's OK arrives (it holds them until the backend answers), saving a round trip.
   */
  relay(client: Socket, ip: string, port: number): Promise<void>;
  connected(): boolean;
  /** How the agent carries Service traffic (kernel rules or its userspace proxies), once it said. */
  proxyMode(): ProxyMode | undefined;
  close(): void;
}

export interface AgentLinkOptions {
  /** Where the control port is now (re-asked after a failure: Docker may publish another port). */
  endpoint(): Promise<{ host: string; port: number }>;
  secret: string;
  /** Where a reverse route goes on the host; undefined refuses it. */
  reverseTarget(ip: string, port: number): Endpoint | undefined;
  log(line: string): void;
  /** The agent said how it carries Service traffic (on connect and after each table). */
  onProxyMode?(mode: ProxyMode): void;
  poolSize?: number;
  /** Reverse connections piped to the host at once; more are refused (default 256). */
  maxReverse?: number;
  /** A reverse connection with no bytes either way for this long is closed (default 10 min). */
  reverseIdleMs?: number;
}

const MAX_PARKED = 64;
// Pods open reverse connections at will (any pod can dial the `kubernetes` Service): a cap and an
// idle timeout keep a misbehaving pod from holding the host's sockets or the API server's.
const MAX_REVERSE = 256;
const REVERSE_IDLE_MS = 10 * 60_000;

export function createAgentLink(o: AgentLinkOptions): AgentLink {
  const poolSize = o.poolSize ?? 4;
  let closed = false;
  let control: Socket | undefined;
  let table: RoutingTable | undefined;
  let appliedVersion = -1;
  let where: { host: string; port: number } | undefined;
  let parked = 0;
  let failures = 0;
  const waiters = new Set<{ version: number; resolve(): void }>();
  const sockets = new Set<Socket>();
  const limited = createLimitedLog((line) => o.log(line));
  let active = 0;
  let proxy: ProxyMode | undefined;

  async function open(h: Header): Promise<Socket> {
    where ??= await o.endpoint();
    const s = connect({ host: where.host, port: where.port, allowHalfOpen: true });
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    }).catch((e) => {
      where = undefined; // ask again next time
      s.destroy();
      throw e;
    });
    if (closed) {
      s.destroy();
      throw new Error('the agent link is closed');
    }
    s.setNoDelay(true);
    s.write(formatHeader(o.secret, h));
    return s;
  }

  function send(s: Socket, m: unknown) {
    if (!s.destroyed) s.write(JSON.stringify(m) + '\n');
  }

  function onMessage(m: AgentMessage) {
    if ((m.type === 'hello' || m.type === 'applied') && m.proxy && JSON.stringify(m.proxy) !== JSON.stringify(proxy)) {
      proxy = m.proxy;
      o.onProxyMode?.(m.proxy);
    }
    switch (m.type) {
      case 'applied':
        appliedVersion = Math.max(appliedVersion, m.version);
        for (const p of m.problems) o.log(`network agent: ${p}`);
        for (const w of waiters)
          if (w.version <= appliedVersion) {
            waiters.delete(w);
            w.resolve();
          }
        break;
      case 'reverse-wanted':
        // Waiting pod connections beyond the pool: park that many more (bounded).
        for (let i = 0; i < m.count && parked < MAX_PARKED; i++) void park();
        break;
      case 'log':
        o.log(`network agent: ${m.line}`);
        break;
    }
  }

  async function runControl() {
    while (!closed) {
      try {
        const s = await open({ verb: 'CONTROL' });
        s.on('error', () => s.destroy());
        s.on('end', () => s.destroy()); // the agent went away (half-open sockets never 'close' by themselves)
        control = s;
        appliedVersion = -1; // a new connection (maybe a new agent) has applied nothing yet
        if (table) send(s, { type: 'table', table });
        const ping = setInterval(() => send(s, { type: 'ping' }), 15_000);
        let greeted = false;
        await new Promise<void>((resolve) => {
          onLines(s, (line) => {
            if (line.startsWith('ERR')) {
              if (failures % 10 === 0) o.log(`network agent refused the control connection: ${line}`);
              return;
            }
            try {
              const m = JSON.parse(line) as AgentMessage;
              // Docker's proxy accepts before the agent listens: only a hello counts as connected.
              if (!greeted && m.type === 'hello') {
                greeted = true;
                failures = 0;
                for (let k = parked; k < poolSize; k++) void park();
              }
              onMessage(m);
            } catch {
              /* not JSON: ignore */
            }
          });
          s.on('close', () => resolve());
        });
        clearInterval(ping);
        control = undefined;
        appliedVersion = -1;
        where = undefined;
        if (!greeted) failures++;
      } catch (e) {
        if (failures++ % 10 === 0 && !closed) o.log(`network agent: control connection: ${(e as Error).message}`);
      }
      if (!closed) await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(failures, 5))).unref());
    }
  }

  /** Parks one REVERSE connection; when the agent uses it, connects it to the host target. */
  async function park(): Promise<void> {
    if (closed || !control) return;
    parked++;
    let s: Socket | undefined;
    let line: string;
    try {
      s = await open({ verb: 'REVERSE' });
      s.on('error', () => s!.destroy());
      line = await readLine(s);
    } catch {
      s?.destroy();
      return void parked--;
    }
    parked--;
    void park(); // refill at once
    const go = parseGo(line);
    const target = go && o.reverseTarget(go.ip, go.port);
    if (!target) {
      limited('unknown-target', `network agent asked for an unknown host target (${line.slice(0, 60)})`);
      return void s.destroy();
    }
    const back = s;
    if (active >= (o.maxReverse ?? MAX_REVERSE)) {
      limited('reverse-cap', `reverse connection to ${target.ip}:${target.port} refused: ${active} are open already (the cap)`);
      return void back.destroy();
    }
    active++;
    back.once('close', () => active--);
    back.setTimeout(o.reverseIdleMs ?? REVERSE_IDLE_MS, () => {
      limited(
        'reverse-idle',
        `reverse connection to ${target.ip}:${target.port} closed after ${Math.round((o.reverseIdleMs ?? REVERSE_IDLE_MS) / 1000)} s idle`,
      );
      back.destroy();
    });
    const up = connect({ host: target.ip, port: target.port, allowHalfOpen: true });
    up.once('connect', () => joinSockets(back, up));
    up.once('error', (e) => {
      limited('reverse-error', `reverse connection to ${target.ip}:${target.port}: ${e.message}`);
      back.destroy();
    });
  }

  void runControl();

  return {
    push(t) {
      table = t;
      if (control) send(control, { type: 'table', table: t });
    },
    applied(version, timeoutMs = 30_000) {
      if (appliedVersion >= version) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const w = {
          version,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`the network agent did not apply table ${version} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    async dial(ip, port) {
      const s = await open({ verb: 'DIAL', ip, port });
      s.on('error', () => s.destroy());
      const line = await readLine(s).catch((e) => {
        s.destroy();
        throw e;
      });
      if (line !== 'OK') {
        s.destroy();
        throw new Error(line.replace(/^ERR /, '') || 'the network agent closed the connection');
      }
      return s;
    },
    async relay(client, ip, port) {
      const s = await open({ verb: 'DIAL', ip, port });
      const kill = () => {
        s.destroy();
        client.destroy();
      };
      s.on('error', kill);
      client.on('error', kill);
      client.setNoDelay(true);
      client.pipe(s);
      client.resume();
      const line = await readLine(s).catch((e) => {
        kill();
        throw e;
      });
      if (line !== 'OK') {
        client.unpipe(s);
        s.destroy();
        client.resetAndDestroy();
        throw new Error(line.replace(/^ERR /, '') || 'the network agent closed the connection');
      }
      s.pipe(client);
      s.resume();
      client.on('close', () => s.destroySoon());
      s.on('close', () => client.destroySoon());
    },
    connected: () => !!control,
    proxyMode: () => proxy,
    close() {
      closed = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}
