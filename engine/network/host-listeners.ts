// NodePort and LoadBalancer traffic from the host: Skiff listens on 127.0.0.1:<port> itself and hands
// each connection to its relay (host-relay.ts: straight to a pod IP on Linux, else the agent's DIAL),
// so it works the same where the host cannot reach container IPs (Docker Desktop's VM). TCP only.
import { createServer, type Server, type Socket } from 'node:net';

export interface HostTarget {
  /** Service ClusterIP and port the agent routes. */
  ip: string;
  port: number;
  /** namespace/name, for messages. */
  service: string;
}

export interface ListenFailure {
  hostPort: number;
  service: string;
  error: string;
  /** Retrying cannot help (the port is outside the allowed range). */
  final?: boolean;
}

export interface HostListeners {
  /** Listens on exactly these host ports (retrying ones that failed before); resolves with failures. */
  sync(wanted: Map<number, HostTarget>): Promise<ListenFailure[]>;
  bound(): number[];
  close(): void;
}

export function createHostListeners(o: {
  relay(client: Socket, ip: string, port: number): Promise<void>;
  log(line: string): void;
  host?: string;
}): HostListeners {
  const host = o.host ?? '127.0.0.1';
  const servers = new Map<number, Server>();
  let targets = new Map<number, HostTarget>();

  function onConnection(hostPort: number, client: Socket) {
    client.on('error', () => client.destroy());
    const t = targets.get(hostPort);
    if (!t) return void client.destroy();
    o.relay(client, t.ip, t.port).catch((e) => {
      o.log(`${t.service} via ${host}:${hostPort}: ${e.message}`);
      if (!client.destroyed) client.resetAndDestroy();
    });
  }

  function listen(hostPort: number): Promise<Server> {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => onConnection(hostPort, s));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(hostPort, host, () => {
        server.off('error', reject);
        server.on('error', (e) => o.log(`${host}:${hostPort}: ${e.message}`));
        resolve(server);
      });
    });
  }

  return {
    async sync(wanted) {
      targets = new Map(wanted);
      for (const [p, s] of servers)
        if (!wanted.has(p)) {
          s.close();
          servers.delete(p);
        }
      const failures: ListenFailure[] = [];
      for (const [p, t] of wanted) {
        if (servers.has(p)) continue;
        try {
          servers.set(p, await listen(p));
        } catch (e: any) {
          const why =
            e?.code === 'EADDRINUSE'
              ? `port ${p} on ${host} is already in use on this machine`
              : e?.code === 'EACCES'
                ? `port ${p} on ${host} needs privileges this process does not have`
                : e.message;
          failures.push({ hostPort: p, service: t.service, error: why });
        }
      }
      return failures;
    },
    bound: () => [...servers.keys()].sort((a, b) => a - b),
    close() {
      for (const s of servers.values()) s.close();
      servers.clear();
      targets.clear();
    },
  };
}
