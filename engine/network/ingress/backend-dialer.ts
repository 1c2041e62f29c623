// How the ingress reaches pods. Where the host reaches container IPs (Linux, Docker's bridge) it
// dials the pod directly; elsewhere (Docker Desktop-style VMs) through the network agent's DIAL,
// the same path NodePort and LoadBalancer listeners take, which picks a ready endpoint of the
// Service itself. `auto` starts direct and switches to the agent for good the first time a pod IP
// is unreachable (a timeout or no route, not a refusal: a refusing pod was reached).
import { connect, type Socket } from 'node:net';
import type { BackendDialer } from './ingress-proxy';

export type DialMode = 'direct' | 'agent' | 'auto';

const CONNECT_TIMEOUT_MS = 2000;
const UNREACHABLE = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

export function createBackendDialer(o: {
  mode: DialMode;
  /** The network agent's DIAL to a Service ClusterIP:port (undefined: no agent). */
  agentDial?: (ip: string, port: number) => Promise<Socket>;
  log(line: string): void;
}): BackendDialer & { mode(): 'direct' | 'agent' } {
  let mode: 'direct' | 'agent' = o.mode === 'agent' && o.agentDial ? 'agent' : 'direct';
  const viaAgent = new Set<string>(); // ClusterIP:port targets handed out in agent mode
  return {
    mode: () => mode,
    target(backend, endpoint) {
      if (mode === 'agent' && backend.clusterIP && backend.servicePort) {
        viaAgent.add(`${backend.clusterIP}:${backend.servicePort}`);
        return { ip: backend.clusterIP, port: backend.servicePort };
      }
      return endpoint;
    },
    // Through the agent each connection may land on another endpoint: no pooling, so requests spread.
    reusable: (host, port) => !viaAgent.has(`${host}:${port}`),
    connect(host, port) {
      if (viaAgent.has(`${host}:${port}`) && o.agentDial) return o.agentDial(host, port).then((s) => s.resume());
      return new Promise((resolve, reject) => {
        const s = connect({ host, port });
        const timer = setTimeout(
          () => s.destroy(Object.assign(new Error(`connect to ${host}:${port} timed out`), { code: 'ETIMEDOUT' })),
          CONNECT_TIMEOUT_MS,
        );
        s.once('connect', () => {
          clearTimeout(timer);
          s.setNoDelay(true);
          resolve(s);
        });
        s.once('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
    },
    failed(err) {
      if (o.mode !== 'auto' || mode === 'agent' || !o.agentDial || !UNREACHABLE.has(err.code ?? '')) return false;
      mode = 'agent';
      o.log(`ingress: this host cannot reach pod IPs (${err.code}); routing through the network agent from now on`);
      return true;
    },
  };
}
