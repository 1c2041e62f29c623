// NetworkPolicy semantics (pure): pods, namespaces and policies → for every isolated pod IP, the
// traffic its policies allow. As upstream: a pod is isolated for ingress (egress) when any policy
// of its namespace selects it with that policyType; what is allowed is the union of those
// policies' rules; an empty `from`/`to` is every peer, empty `ports` every port. Peers:
// podSelector (the policy's namespace), namespaceSelector, both (pods matching both), ipBlock
// with except. Ports: numbers, endPort ranges, names (resolved against the destination pod's
// container ports, so an egress named port becomes one match per destination pod).
import type { KubeObject } from '../../kinds/types';
import { selectorMatches } from '../../kinds/validation/validation';
import { inCidr } from './policy-check';

export type Protocol = 'tcp' | 'udp' | 'sctp';

export interface PolicyPod {
  ip: string;
  namespace: string;
  labels: Record<string, string>;
  ports: { name: string; port: number; protocol: Protocol }[];
}

/** Who: pod IPs, a CIDR minus exceptions, or anyone. */
export type Peer = { ips: string[] } | { cidr: string; except: string[] } | { any: true };

export interface PortMatch {
  protocol: Protocol;
  /** Absent: every port of the protocol. */
  port?: number;
  endPort?: number;
}

export interface Allow {
  peer: Peer;
  /** Absent: every port and protocol. */
  ports?: PortMatch[];
}

export interface PolicyModel {
  /** Isolated pod IP → what may reach it (an empty list: nothing). */
  ingress: Map<string, Allow[]>;
  /** Isolated pod IP → what it may reach. */
  egress: Map<string, Allow[]>;
}

// The fields read here, typed (KubeObject leaves spec and status open).
interface PodFields {
  spec?: { hostNetwork?: boolean; containers?: { ports?: { name?: string; containerPort: number; protocol?: string }[] }[] };
  status?: { podIP?: string; phase?: string };
}
type Selector = { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
interface PolicyPeer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}
interface PolicySpec {
  podSelector?: Selector;
  policyTypes?: string[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

const proto = (p: unknown): Protocol => (p === 'UDP' ? 'udp' : p === 'SCTP' ? 'sctp' : 'tcp');

/** The pods policies apply to: with an IP, not hostNetwork (that is the node's address), not finished. */
export function policyPods(pods: KubeObject[]): PolicyPod[] {
  const out: PolicyPod[] = [];
  for (const p of pods) {
    const { spec, status } = p as PodFields;
    const ip = status?.podIP;
    if (!ip || spec?.hostNetwork || status?.phase === 'Succeeded' || status?.phase === 'Failed') continue;
    const ports: PolicyPod['ports'] = [];
    for (const c of spec?.containers ?? [])
      for (const cp of c.ports ?? []) if (cp.name) ports.push({ name: cp.name, port: cp.containerPort, protocol: proto(cp.protocol) });
    out.push({ ip, namespace: p.metadata.namespace ?? 'default', labels: p.metadata.labels ?? {}, ports });
  }
  return out;
}

interface RulePort {
  protocol: Protocol;
  number?: number;
  name?: string;
  endPort?: number;
}

function rulePorts(ports: PolicyPort[] | undefined): RulePort[] | undefined {
  if (!ports?.length) return undefined;
  return ports.map((p) => {
    const protocol = proto(p?.protocol);
    const v = p?.port;
    if (v === undefined || v === null) return { protocol };
    if (typeof v === 'number' || /^\d+$/.test(String(v))) return { protocol, number: Number(v), endPort: p.endPort };
    return { protocol, name: String(v) };
  });
}

/** A rule's ports as seen at one destination pod (names resolved there); [] when none apply. */
function resolve(ports: RulePort[], dest: PolicyPod | undefined): PortMatch[] {
  const out: PortMatch[] = [];
  for (const p of ports) {
    if (p.name === undefined) out.push({ protocol: p.protocol, port: p.number, ...(p.endPort ? { endPort: p.endPort } : {}) });
    else {
      const hit = dest?.ports.find((c) => c.name === p.name && c.protocol === p.protocol);
      if (hit) out.push({ protocol: p.protocol, port: hit.port });
    }
  }
  return out;
}

export function computePolicyModel(input: { pods: PolicyPod[]; namespaces: KubeObject[]; policies: KubeObject[] }): PolicyModel {
  const nsLabels = new Map<string, Record<string, string>>();
  for (const ns of input.namespaces) nsLabels.set(ns.metadata.name ?? '', ns.metadata.labels ?? {});
  // A namespace object not seen yet still has its well-known name label.
  const labelsOf = (ns: string) => ({ 'kubernetes.io/metadata.name': ns, ...(nsLabels.get(ns) ?? {}) });
  const byIp = new Map(input.pods.map((p) => [p.ip, p]));
  const model: PolicyModel = { ingress: new Map(), egress: new Map() };

  const peerOf = (peer: PolicyPeer, policyNs: string): Peer | undefined => {
    if (peer?.ipBlock) return { cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] };
    if (!peer?.podSelector && !peer?.namespaceSelector) return undefined; // invalid; selects nobody
    const ips = input.pods
      .filter(
        (p) =>
          (peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, labelsOf(p.namespace)) : p.namespace === policyNs) &&
          (!peer.podSelector || selectorMatches(peer.podSelector, p.labels)),
      )
      .map((p) => p.ip);
    return { ips };
  };
  const peerHas = (peer: Peer, ip: string) =>
    'any' in peer ? true : 'ips' in peer ? peer.ips.includes(ip) : inCidr(ip, peer.cidr) && !peer.except.some((e) => inCidr(ip, e));

  for (const pol of input.policies) {
    const ns = pol.metadata.namespace ?? 'default';
    const spec = (pol.spec ?? {}) as PolicySpec;
    const types: string[] = spec.policyTypes?.length ? spec.policyTypes : spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
    const selected = input.pods.filter((p) => p.namespace === ns && selectorMatches(spec.podSelector ?? {}, p.labels));
    if (!selected.length) continue;
    for (const dir of ['Ingress', 'Egress'] as const) {
      if (!types.includes(dir)) continue;
      const into = dir === 'Ingress' ? model.ingress : model.egress;
      const rules: PolicyRule[] = (dir === 'Ingress' ? spec.ingress : spec.egress) ?? [];
      for (const pod of selected) if (!into.has(pod.ip)) into.set(pod.ip, []);
      for (const rule of rules) {
        const rawPeers: PolicyPeer[] | undefined = dir === 'Ingress' ? rule?.from : rule?.to;
        const peers: Peer[] = rawPeers?.length
          ? rawPeers.map((p) => peerOf(p, ns)).filter((p): p is Peer => !!p && !('ips' in p && !p.ips.length))
          : [{ any: true }];
        const ports = rulePorts(rule?.ports);
        for (const pod of selected) {
          const list = into.get(pod.ip)!;
          if (!ports) {
            for (const peer of peers) list.push({ peer });
          } else if (dir === 'Ingress') {
            const resolved = resolve(ports, pod);
            if (resolved.length) for (const peer of peers) list.push({ peer, ports: resolved });
          } else {
            // Egress: numbers apply to every peer; names only where a destination pod defines them.
            const numbers = ports.filter((p) => p.name === undefined);
            if (numbers.length) for (const peer of peers) list.push({ peer, ports: resolve(numbers, undefined) });
            if (numbers.length === ports.length) continue;
            const named = ports.filter((p) => p.name !== undefined);
            const groups = new Map<string, { ips: string[]; ports: PortMatch[] }>();
            for (const dest of byIp.values()) {
              if (!peers.some((peer) => peerHas(peer, dest.ip))) continue;
              const r = resolve(named, dest);
              if (!r.length) continue;
              const key = JSON.stringify(r);
              const g = groups.get(key) ?? { ips: [], ports: r };
              g.ips.push(dest.ip);
              groups.set(key, g);
            }
            for (const g of groups.values()) list.push({ peer: { ips: g.ips }, ports: g.ports });
          }
        }
      }
    }
  }
  return model;
}
