// Which host ports (on 127.0.0.1) Services claim: every TCP nodePort of a NodePort or LoadBalancer
// Service, and for LoadBalancer also each port itself, as Docker Desktop publishes them. Pure.
import type { KubeObject } from '../kinds/types';
import type { HostTarget } from './host-listeners';

export interface HostClaims {
  targets: Map<number, HostTarget>;
  /** Claims that lost to an earlier one (oldest Service first). */
  conflicts: { service: string; hostPort: number; holder: string }[];
  /** LoadBalancer Services and the host ports their ingress depends on. */
  loadBalancers: Map<string, number[]>;
}

export function hostClaims(services: KubeObject[]): HostClaims {
  const targets = new Map<number, HostTarget>();
  const conflicts: HostClaims['conflicts'] = [];
  const loadBalancers = new Map<string, number[]>();
  const ordered = [...services].sort(
    (a, b) =>
      String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) || id(a).localeCompare(id(b)),
  );
  for (const svc of ordered) {
    const type = svc.spec?.type;
    const ip = svc.spec?.clusterIP;
    if ((type !== 'NodePort' && type !== 'LoadBalancer') || !ip || ip === 'None') continue;
    const service = id(svc);
    const lbPorts: number[] = [];
    const claim = (hostPort: number, port: number) => {
      const held = targets.get(hostPort);
      if (held && (held.service !== service || held.port !== port)) conflicts.push({ service, hostPort, holder: held.service });
      else targets.set(hostPort, { ip, port, service });
    };
    for (const p of svc.spec.ports ?? []) {
      if ((p.protocol ?? 'TCP') !== 'TCP') continue;
      if (p.nodePort) claim(p.nodePort, p.port);
      if (type === 'LoadBalancer') {
        claim(p.port, p.port);
        lbPorts.push(p.port);
      }
    }
    if (type === 'LoadBalancer') loadBalancers.set(service, lbPorts);
  }
  return { targets, conflicts, loadBalancers };
}

const id = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
