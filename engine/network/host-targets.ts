// Which host ports (on 127.0.0.1) Services claim: every TCP nodePort of a NodePort or LoadBalancer
// Service, and for LoadBalancer also each port itself, as Docker Desktop publishes them — only inside
// the cluster's LoadBalancer port range, so whoever may create a Service cannot make Skiff take any
// port of the machine (issue 12). Pure.
import type { KubeObject } from '../kinds/types';
import type { HostTarget } from './host-listeners';

/** The host ports a LoadBalancer's own ports may take (inclusive). */
export interface PortRange {
  min: number;
  max: number;
}

/** Above the privileged ports: nothing a Service creates shadows a system service's port. */
export const DEFAULT_LB_PORT_RANGE: PortRange = { min: 1025, max: 65535 };

/** "1025-65535" → a range; throws with the reason when it is not one. */
export function parsePortRange(text: string): PortRange {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text.trim());
  const min = m ? Number(m[1]) : NaN;
  const max = m ? Number(m[2]) : NaN;
  if (!(min >= 1 && max <= 65535 && min <= max)) throw new Error(`"${text}" is not a port range like 1025-65535 (1 to 65535, low-high)`);
  return { min, max };
}

export const formatPortRange = (r: PortRange) => `${r.min}-${r.max}`;

export interface HostClaims {
  targets: Map<number, HostTarget>;
  /** Claims that lost to an earlier one (oldest Service first). */
  conflicts: { service: string; hostPort: number; holder: string }[];
  /** LoadBalancer ports outside the allowed range: never listened on. */
  outOfRange: { service: string; hostPort: number }[];
  /** LoadBalancer Services and the host ports their ingress depends on. */
  loadBalancers: Map<string, number[]>;
}

export function hostClaims(services: KubeObject[], lbRange: PortRange = DEFAULT_LB_PORT_RANGE): HostClaims {
  const targets = new Map<number, HostTarget>();
  const conflicts: HostClaims['conflicts'] = [];
  const outOfRange: HostClaims['outOfRange'] = [];
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
        const port = p.port as number;
        if (port >= lbRange.min && port <= lbRange.max) claim(port, port);
        else outOfRange.push({ service, hostPort: port });
        lbPorts.push(port);
      }
    }
    if (type === 'LoadBalancer') loadBalancers.set(service, lbPorts);
  }
  return { targets, conflicts, outOfRange, loadBalancers };
}

const id = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
