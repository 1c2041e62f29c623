// The agent's Service proxies: one TCP server or UDP socket per ClusterIP:port, reconciled to
// each routing table. Routes are looked up per new connection, so a table that drops an unready
// endpoint steers the very next connection away from it.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { PortRoute, RoutingTable, ServiceRoute, Endpoint } from '../table';
import { joinSockets, formatGo } from '../protocol';
import { createBalancer, endpointKey } from './balancer';
import { modelFromJson, policyAllows } from '../policy/policy-check';
import { createUdpProxy, type UdpProxy } from './udp-proxy';
import type { ReversePool } from './reverse-pool';

export interface Proxies {
  /** Opens and closes listeners to match the table; resolves with problems (one line each). */
  apply(table: RoutingTable): Promise<string[]>;
  /** A DIAL from the host: connect to a backend of ip:port/TCP, answer OK or ERR, then pipe. */
  dial(socket: Socket, ip: string, port: number): void;
  close(): void;
}

const CONNECT_TIMEOUT_MS = 3000;
const ATTEMPTS = 3;

export function createProxies(o: { reverse: ReversePool; log(line: string): void }): Proxies {
  const routes = new Map<string, { svc: ServiceRoute; port: PortRoute }>();
  const tcp = new Map<string, Server>();
  const udp = new Map<string, UdpProxy>();
  const balancer = createBalancer();
  let policy = modelFromJson(undefined);
  // NetworkPolicy for proxied connections: only endpoints the client may reach (a pod client; the
  // host's DIAL is node traffic, not filtered, as on the kernel path).
  const permitted = (endpoints: Endpoint[], clientIP: string, protocol: 'tcp' | 'udp') =>
    clientIP === '127.0.0.1' ? endpoints : endpoints.filter((e) => policyAllows(policy, clientIP, e.ip, protocol, e.port));

  const keyOf = (ip: string, port: number, protocol: string) => `${ip}:${port}/${protocol}`;

  /** Connects to a ready endpoint, trying others when one refuses; undefined when none answers. */
  async function connectBackend(key: string, clientIP: string): Promise<Socket | undefined> {
    const tried = new Set<string>();
    for (let i = 0; i < ATTEMPTS; i++) {
      const r = routes.get(key); // re-read: the table may have changed meanwhile
      if (!r) return undefined;
      const ep = balancer.pick(key, permitted(r.port.endpoints, clientIP, 'tcp'), clientIP, r.svc.affinitySeconds, tried);
      if (!ep) return undefined;
      tried.add(endpointKey(ep));
      const s = await tryConnect(ep).catch(() => undefined);
      if (s) return s;
    }
    return undefined;
  }

  async function toReverse(r: { svc: ServiceRoute; port: PortRoute }): Promise<Socket> {
    const s = await o.reverse.take();
    s.write(formatGo(r.svc.ip, r.port.port));
    return s;
  }

  function onConnection(key: string, client: Socket) {
    client.pause();
    client.on('error', () => client.destroy());
    const r = routes.get(key);
    const backend = !r
      ? Promise.resolve(undefined)
      : r.port.reverse
        ? toReverse(r)
        : connectBackend(key, client.remoteAddress?.replace(/^::ffff:/, '') ?? '');
    backend.then(
      (b) => {
        if (!b) return void client.resetAndDestroy();
        if (client.destroyed) return void b.destroy();
        joinSockets(client, b);
      },
      (e) => {
        o.log(`${key}: ${e.message}`);
        client.resetAndDestroy();
      },
    );
  }

  async function listenTcp(key: string, ip: string, port: number): Promise<Server> {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => onConnection(key, s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: ip, port, backlog: 1024 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => o.log(`${key}: ${e.message}`));
    return server;
  }

  return {
    async apply(table) {
      const problems: string[] = [];
      routes.clear();
      policy = modelFromJson(table.policyModel);
      for (const svc of table.services) for (const port of svc.ports) routes.set(keyOf(svc.ip, port.port, port.protocol), { svc, port });
      balancer.retain(new Set(routes.keys()));
      for (const [key, server] of tcp)
        if (!routes.has(key)) {
          server.close();
          tcp.delete(key);
        }
      for (const [key, proxy] of udp)
        if (!routes.has(key)) {
          proxy.close();
          udp.delete(key);
        }
      for (const [key, { svc, port }] of routes) {
        try {
          if (port.protocol === 'TCP' && !tcp.has(key)) tcp.set(key, await listenTcp(key, svc.ip, port.port));
          else if (port.protocol === 'UDP' && !udp.has(key)) {
            udp.set(
              key,
              await createUdpProxy({
                ip: svc.ip,
                port: port.port,
                pick: (clientIP) => {
                  const r = routes.get(key);
                  return r ? balancer.pick(key, permitted(r.port.endpoints, clientIP, 'udp'), clientIP, r.svc.affinitySeconds) : undefined;
                },
                valid: (ep) => !!routes.get(key)?.port.endpoints.some((e) => e.ip === ep.ip && e.port === ep.port),
                log: o.log,
              }),
            );
          } else if (port.protocol === 'SCTP') problems.push(`${svc.id} ${port.port}/SCTP: SCTP is not proxied`);
        } catch (e) {
          problems.push(`${svc.id} ${key}: ${(e as Error).message}`);
        }
      }
      return problems;
    },
    dial(socket, ip, port) {
      const key = keyOf(ip, port, 'TCP');
      const r = routes.get(key);
      if (!r) {
        socket.end(`ERR no Service at ${ip}:${port}/TCP\n`);
        return;
      }
      const backend = r.port.reverse ? toReverse(r) : connectBackend(key, '127.0.0.1');
      backend.then(
        (b) => {
          if (!b) return void socket.end(`ERR no ready endpoint for ${r.svc.id} port ${port}\n`);
          if (socket.destroyed) return void b.destroy();
          socket.write('OK\n');
          joinSockets(socket, b);
        },
        (e) => socket.end(`ERR ${e.message}\n`),
      );
    },
    close() {
      for (const s of tcp.values()) s.close();
      for (const u of udp.values()) u.close();
      tcp.clear();
      udp.clear();
    },
  };
}

function tryConnect(ep: Endpoint): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: ep.ip, port: ep.port, allowHalfOpen: true });
    s.setNoDelay(true);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`connect ${ep.ip}:${ep.port} timed out`));
    }, CONNECT_TIMEOUT_MS);
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      s.on('error', () => s.destroy()); // until joined: a reset must never crash the agent
      s.pause();
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
