// Answers one DNS question from the routing table (pure): Service and pod names under the cluster
// domain are answered here (authoritatively: unknown names are NXDOMAIN), reverse lookups of
// ClusterIPs too; everything else is forwarded to the agent's own resolver.
import { TYPE, RCODE, normalizeName, type Question, type ResourceRecord } from '../dns-wire';
import type { RoutingTable } from '../table';

export const TTL = 5;

export interface DnsIndex {
  domain: string;
  serial: number;
  dns: RoutingTable['dns'];
  /** Every name with records, and every parent of one under the domain (they exist, with no data). */
  names: Set<string>;
}

export type Answer =
  | { kind: 'forward' }
  | {
      kind: 'local';
      rcode: number;
      answers: ResourceRecord[];
      authorities: ResourceRecord[];
      additionals: ResourceRecord[];
      chase?: string;
    };

export function indexDns(table: Pick<RoutingTable, 'domain' | 'dns' | 'version'>): DnsIndex {
  const names = new Set<string>([table.domain]);
  const suffix = `.${table.domain}`;
  for (const map of [table.dns.a, table.dns.cname, table.dns.srv]) {
    for (const n of Object.keys(map)) {
      names.add(n);
      for (let p = n; p.endsWith(suffix) && p.includes('.'); ) {
        p = p.slice(p.indexOf('.') + 1);
        names.add(p);
      }
    }
  }
  return { domain: table.domain, serial: table.version, dns: table.dns, names };
}

const POD_NAME = /^(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\.[a-z0-9-]+\.pod\.(.+)$/;

export function answerQuestion(ix: DnsIndex, q: Question): Answer {
  const name = normalizeName(q.name);
  if (name.endsWith('.in-addr.arpa')) {
    const ip = name.slice(0, -'.in-addr.arpa'.length).split('.').reverse().join('.');
    const target = ix.dns.ptr[ip];
    if (!target || (q.type !== TYPE.PTR && q.type !== TYPE.ANY)) return { kind: 'forward' };
    return local(RCODE.NOERROR, [{ name: q.name, ttl: TTL, data: { type: TYPE.PTR, target } }]);
  }
  if (name !== ix.domain && !name.endsWith(`.${ix.domain}`)) return { kind: 'forward' };
  const soa = soaOf(ix);
  const wantsA = q.type === TYPE.A || q.type === TYPE.ANY;

  if (ix.dns.cname[name] !== undefined) {
    const answers: ResourceRecord[] = [];
    let at = name;
    let owner = q.name;
    // Follow CNAMEs inside the cluster (at most 8); a target outside it is resolved upstream.
    for (let i = 0; i < 8 && ix.dns.cname[at] !== undefined; i++) {
      const target = ix.dns.cname[at];
      answers.push({ name: owner, ttl: TTL, data: { type: TYPE.CNAME, target } });
      at = target;
      owner = target;
    }
    const inside = at === ix.domain || at.endsWith(`.${ix.domain}`);
    if (inside && wantsA) for (const ip of ix.dns.a[at] ?? []) answers.push({ name: at, ttl: TTL, data: { type: TYPE.A, address: ip } });
    const chase = !inside && (q.type === TYPE.A || q.type === TYPE.AAAA) ? at : undefined;
    return { ...local(RCODE.NOERROR, answers), chase };
  }
  const ips = ix.dns.a[name] ?? podIP(name, ix.domain);
  if (ips && wantsA && ips.length)
    return local(
      RCODE.NOERROR,
      ips.map((address) => ({ name: q.name, ttl: TTL, data: { type: TYPE.A, address } })),
    );
  const srv = ix.dns.srv[name];
  if (srv && (q.type === TYPE.SRV || q.type === TYPE.ANY)) {
    const additionals: ResourceRecord[] = [];
    for (const t of srv)
      for (const address of ix.dns.a[t.target] ?? []) additionals.push({ name: t.target, ttl: TTL, data: { type: TYPE.A, address } });
    return {
      ...local(
        RCODE.NOERROR,
        srv.map((s) => ({ name: q.name, ttl: TTL, data: { type: TYPE.SRV, ...s } })),
      ),
      additionals,
    };
  }
  // The name exists (maybe with other types, maybe only as a parent): no data, not NXDOMAIN.
  if (ips || srv || ix.names.has(name)) return local(RCODE.NOERROR, [], [soa]);
  return local(RCODE.NXDOMAIN, [], [soa]);
}

function local(rcode: number, answers: ResourceRecord[], authorities: ResourceRecord[] = []): Answer & { kind: 'local' } {
  return { kind: 'local', rcode, answers, authorities, additionals: [] };
}

function podIP(name: string, domain: string): string[] | undefined {
  const m = POD_NAME.exec(name);
  if (!m || m[5] !== domain || m.slice(1, 5).some((p) => +p > 255)) return undefined;
  return [m.slice(1, 5).join('.')];
}

function soaOf(ix: DnsIndex): ResourceRecord {
  return {
    name: ix.domain,
    ttl: TTL,
    data: {
      type: TYPE.SOA,
      mname: `ns.dns.${ix.domain}`,
      rname: `hostmaster.${ix.domain}`,
      serial: ix.serial >>> 0,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: TTL,
    },
  };
}
