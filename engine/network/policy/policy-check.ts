// One connection judged against a PolicyModel (pure, small: the agent's bundle carries it). The
// agent's userspace proxy asks it for every new Service connection, so the fallback enforces the
// same policies as the kernel rules; the tests use it as the reference for what the rules mean.
import { parseCidr } from '../../apimachinery/ip-cidr';
import type { Allow, PolicyModel, PortMatch, Protocol } from './policy-model';

/** The model as JSON (it rides on the routing table). */
export interface PolicyModelJson {
  ingress: [string, Allow[]][];
  egress: [string, Allow[]][];
}

export const modelToJson = (m: PolicyModel): PolicyModelJson => ({ ingress: [...m.ingress], egress: [...m.egress] });
export const modelFromJson = (j: PolicyModelJson | undefined): PolicyModel => ({
  ingress: new Map(j?.ingress ?? []),
  egress: new Map(j?.egress ?? []),
});

export function inCidr(ip: string, cidr: string): boolean {
  try {
    const { base, size } = parseCidr(cidr.includes('/') ? cidr : `${cidr}/32`);
    const n = parseCidr(`${ip}/32`).base;
    return n >= base && n < base + size;
  } catch {
    return false;
  }
}

const portOk = (ports: PortMatch[] | undefined, protocol: Protocol, port: number) =>
  !ports || ports.some((p) => p.protocol === protocol && (p.port === undefined || (p.port <= port && port <= (p.endPort ?? p.port))));

function matches(allows: Allow[], peer: string, protocol: Protocol, port: number): boolean {
  return allows.some(
    (a) =>
      portOk(a.ports, protocol, port) &&
      ('any' in a.peer ||
        ('ips' in a.peer ? a.peer.ips.includes(peer) : inCidr(peer, a.peer.cidr) && !a.peer.except.some((e) => inCidr(peer, e)))),
  );
}

/** Whether a new connection src → dst:port may open: src's egress (if isolated) and dst's ingress (if isolated). */
export function policyAllows(m: PolicyModel, src: string, dst: string, protocol: Protocol, port: number): boolean {
  const eg = m.egress.get(src);
  if (eg && !matches(eg, dst, protocol, port)) return false;
  const ing = m.ingress.get(dst);
  return !ing || matches(ing, src, protocol, port);
}
