// Where a NodePort or LoadBalancer connection on 127.0.0.1 goes (issue 16). On Linux the host
// reaches the Docker bridge, so Skiff connects straight to a ready endpoint's pod IP (one hop, no
// agent); elsewhere (Docker Desktop-style VMs) or once a pod IP proves unreachable it relays
// through the agent's DIAL, as before. Endpoints are picked like the agent does (balancer.ts:
// round-robin, or sticky under sessionAffinity ClientIP); a refusing endpoint is retried on another.
import { connect, type Socket } from 'node:net';
import type { PortRoute, ServiceRoute } from './table';
import { joinSockets } from './protocol';
import { createBalancer, endpointKey } from './agent/balancer';

export type HostDialMode = 'direct' | 'agent' | 'auto';

const CONNECT_TIMEOUT_MS = 2000;
const ATTEMPTS = 3;
const UNREACHABLE = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface HostRelay {
  relay(client: Socket, ip: string, port: number): Promise<void>;
  mode(): 'direct' | 'agent';
}

export function createHostRelay(o: {
  mode: HostDialMode;
  /** The Service port behind a ClusterIP:port/TCP, from the newest routing table. */
  route(ip: string, port: number): { svc: ServiceRoute; port: PortRoute } | undefined;
  agentRelay(client: Socket, ip: string, port: number): Promise<void>;
  log(line: string): void;
}): HostRelay {
  let mode: 'direct' | 'agent' = o.mode === 'agent' ? 'agent' : 'direct';
  const balancer = createBalancer();

  function dial(host: string, port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port, allowHalfOpen: true });
      const timer = setTimeout(
        () => s.destroy(Object.assign(new Error(`connect to ${host}:${port} timed out`), { code: 'ETIMEDOUT' })),
        CONNECT_TIMEOUT_MS,
      );
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  return {
    mode: () => mode,
    async relay(client, ip, port) {
      const r = mode === 'direct' ? o.route(ip, port) : undefined;
      if (!r || r.port.reverse) return o.agentRelay(client, ip, port);
      client.pause();
      const key = `${ip}:${port}/TCP`;
      const tried = new Set<string>();
      for (let i = 0; i < ATTEMPTS; i++) {
        const ep = balancer.pick(key, o.route(ip, port)?.port.endpoints ?? [], '127.0.0.1', r.svc.affinitySeconds, tried);
        if (!ep) break;
        tried.add(endpointKey(ep));
        try {
          const up = await dial(ep.ip, ep.port);
          if (client.destroyed) return void up.destroy();
          return joinSockets(client, up);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code ?? '';
          if (o.mode === 'auto' && UNREACHABLE.has(code)) {
            mode = 'agent';
            o.log(
              `network: this host cannot reach pod IPs (${code}); NodePort and LoadBalancer traffic goes through the agent from now on`,
            );
            return o.agentRelay(client, ip, port);
          }
        }
      }
      client.resetAndDestroy();
      throw new Error(`no ready endpoint of ${r.svc.id} port ${port} accepted the connection`);
    },
  };
}
