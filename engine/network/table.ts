// The routing table Skiff pushes to the network agent, computed from Services and EndpointSlices
// alone (pure): which ClusterIP:port goes to which ready endpoints, and every cluster DNS record.
// The agent never talks to the API server; this is all it knows.
import type { PolicyModelJson } from './policy/policy-check';
import type { KubeObject } from '../kinds/types';
import { isDialableEndpointIP } from '../kinds/endpoint-addresses';

export interface Endpoint {
  ip: string;
  port: number;
}

export interface PortRoute {
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  name?: string;
  /** Ready endpoints only: an unready one gets no new connections. */
  endpoints: Endpoint[];
  /** The backend lives on the host (the API server): the agent asks Skiff over a reverse connection. */
  reverse?: boolean;
}

export interface ServiceRoute {
  /** namespace/name */
  id: string;
  ip: string;
  /** sessionAffinity ClientIP: how long a client sticks to its endpoint. */
  affinitySeconds?: number;
  ports: PortRoute[];
}

export interface SrvTarget {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

/** Names are lower case, without a trailing dot. */
export interface DnsTable {
  a: Record<string, string[]>;
  cname: Record<string, string>;
  srv: Record<string, SrvTarget[]>;
  /** IPv4 address → name (reverse lookups of ClusterIPs). */
  ptr: Record<string, string>;
}

export interface RoutingTable {
  version: number;
  domain: string;
  dnsIP: string;
  services: ServiceRoute[];
  dns: DnsTable;
  /** NetworkPolicy for Service traffic: an nft script for the agent's namespace (policy/policy-nft.ts). */
  policy?: string;
  /** The same policies for the userspace proxy (policy/policy-check.ts). */
  policyModel?: PolicyModelJson;
}

export interface TableInput {
  services: KubeObject[];
  slices: KubeObject[];
  dnsIP: string;
  domain: string;
  version?: number;
  /**
   * The API server's own address: the only host target a reverse route may have. Without it,
   * any 127.0.0.1 port of the `kubernetes` Service's endpoints is taken.
   */
  apiServer?: Endpoint;
}

export interface ComputedTable {
  table: RoutingTable;
  /** "clusterIP:port" → where on the host Skiff connects for reverse routes. */
  reverse: Map<string, Endpoint>;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const API_SERVICE = 'default/kubernetes';
const dashed = (ip: string) => ip.replace(/\./g, '-');
const lower = (s: string) => s.replace(/\.$/, '').toLowerCase();

export function computeTable(input: TableInput): ComputedTable {
  const slicesBy = new Map<string, KubeObject[]>();
  for (const s of input.slices) {
    const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!svc || (s.addressType && s.addressType !== 'IPv4')) continue;
    const k = `${s.metadata.namespace}/${svc}`;
    slicesBy.set(k, [...(slicesBy.get(k) ?? []), s]);
  }
  const dns: DnsTable = { a: {}, cname: {}, srv: {}, ptr: {} };
  const addA = (name: string, ips: string[]) => {
    const set = new Set([...(dns.a[name] ?? []), ...ips]);
    dns.a[name] = [...set].sort();
  };
  const services: ServiceRoute[] = [];
  const reverse = new Map<string, Endpoint>();
  const sorted = [...input.services].sort((x, y) => keyOf(x).localeCompare(keyOf(y)));

  for (const svc of sorted) {
    const ns = svc.metadata.namespace ?? 'default';
    const name = svc.metadata.name!;
    const fqdn = `${name}.${ns}.svc.${input.domain}`.toLowerCase();
    const spec = svc.spec ?? {};
    if (spec.type === 'ExternalName') {
      if (spec.externalName) dns.cname[fqdn] = lower(spec.externalName);
      continue;
    }
    const slices = slicesBy.get(`${ns}/${name}`) ?? [];
    const ready = readyEndpoints(slices);
    if (spec.clusterIP === 'None') {
      addA(fqdn, [...new Set(ready.map((e) => e.ip))]);
      for (const e of ready) {
        if (e.hostname) addA(`${e.hostname}.${fqdn}`.toLowerCase(), [e.ip]);
      }
      for (const port of slicePorts(slices)) {
        if (!port.name) continue;
        const targets = ready
          .filter((e) => e.ports.has(`${port.name}/${port.protocol}`))
          .map((e) => {
            const target = `${e.hostname ?? dashed(e.ip)}.${fqdn}`.toLowerCase();
            if (!e.hostname) addA(target, [e.ip]);
            return { priority: 0, weight: 100, port: e.ports.get(`${port.name}/${port.protocol}`)!, target };
          });
        if (targets.length) dns.srv[`_${port.name}._${port.protocol.toLowerCase()}.${fqdn}`] = dedupeSrv(targets);
      }
      continue;
    }
    const ip: string | undefined = spec.clusterIP;
    if (!ip) continue;
    addA(fqdn, [ip]);
    dns.ptr[ip] = fqdn;
    const route: ServiceRoute = { id: `${ns}/${name}`, ip, ports: [] };
    if (spec.sessionAffinity === 'ClientIP') route.affinitySeconds = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800;
    for (const p of spec.ports ?? []) {
      const protocol = (p.protocol ?? 'TCP') as PortRoute['protocol'];
      const key = `${p.name ?? ''}/${protocol}`;
      const eps = ready.filter((e) => e.ports.has(key)).map((e) => ({ ip: e.ip, port: e.ports.get(key)! }));
      // Only pod-like addresses are routed (the API server's validation refuses the rest, but
      // older data may hold them): never loopback, link-local, multicast or unspecified.
      const pr: PortRoute = { port: p.port, protocol, endpoints: dedupe(eps.filter((e) => isDialableEndpointIP(e.ip))) };
      if (p.name) pr.name = p.name;
      // The one host target: the API server itself, for the `kubernetes` Service.
      const api = `${ns}/${name}` === API_SERVICE ? eps.find((e) => isApiServer(e, input.apiServer)) : undefined;
      if (api && !pr.endpoints.length) {
        pr.reverse = true;
        reverse.set(`${ip}:${p.port}`, api);
      }
      route.ports.push(pr);
      if (p.name) dns.srv[`_${p.name}._${protocol.toLowerCase()}.${fqdn}`] = [{ priority: 0, weight: 100, port: p.port, target: fqdn }];
    }
    if (ip !== input.dnsIP) services.push(route);
  }
  return { table: { version: input.version ?? 0, domain: input.domain, dnsIP: input.dnsIP, services, dns }, reverse };
}

const isApiServer = (e: Endpoint, own: Endpoint | undefined) => (own ? e.ip === own.ip && e.port === own.port : e.ip === '127.0.0.1');

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

interface ReadyEndpoint {
  ip: string;
  hostname?: string;
  /** "portName/protocol" → port number */
  ports: Map<string, number>;
}

// Endpoints with conditions.ready unset count as ready (the API says nil means ready).
function readyEndpoints(slices: KubeObject[]): ReadyEndpoint[] {
  const out: ReadyEndpoint[] = [];
  for (const s of slices) {
    const ports = new Map<string, number>();
    for (const p of s.ports ?? []) if (typeof p.port === 'number') ports.set(`${p.name ?? ''}/${p.protocol ?? 'TCP'}`, p.port);
    for (const e of s.endpoints ?? []) {
      if (e.conditions?.ready === false) continue;
      for (const ip of e.addresses ?? []) out.push({ ip, hostname: e.hostname, ports });
    }
  }
  return out.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

function slicePorts(slices: KubeObject[]): { name?: string; protocol: string }[] {
  const seen = new Map<string, { name?: string; protocol: string }>();
  for (const s of slices)
    for (const p of s.ports ?? [])
      seen.set(`${p.name ?? ''}/${p.protocol ?? 'TCP'}`, { name: p.name || undefined, protocol: p.protocol ?? 'TCP' });
  return [...seen.values()];
}

function dedupe(eps: Endpoint[]): Endpoint[] {
  const seen = new Set<string>();
  return eps.filter((e) => {
    const k = `${e.ip}:${e.port}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function dedupeSrv(ts: SrvTarget[]): SrvTarget[] {
  const seen = new Set<string>();
  return ts.filter((t) => {
    const k = `${t.target}:${t.port}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
