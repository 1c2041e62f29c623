// A PolicyModel as one nftables `ip` table with a forward-hook filter chain, replaced in one atomic
// `nft -f` transaction. Established and related packets pass first (policy decides only new
// connections, as upstream implementations do); a new one jumps to the source's egress chain and
// then to the destination's ingress chain (verdict maps keyed by pod IP); each allowed match
// `return`s and a chain ends in drop, so a connection needs both sides to allow it. Pods no policy
// isolates have no chain. Where it runs says which packets it sees (`scope`): the host's bridge
// (pod → pod directly) or the network agent's namespace (Service traffic after DNAT).
import type { Allow, PolicyModel, PortMatch } from './policy-model';

export interface NftScope {
  /** nft table name (family ip). */
  table: string;
  /** Only packets entering (egress) / leaving (ingress) through this interface (the cluster's bridge). */
  bridge?: string;
  /** Matches accepted before any policy (traffic another enforcement point judges). */
  pass?: string[];
}

const chainName = (dir: 'in' | 'eg', ip: string) => `${dir}_${ip.replace(/\./g, '_')}`;

function portMatches(ports: PortMatch[] | undefined): string[] {
  if (!ports) return [''];
  const out: string[] = [];
  for (const protocol of ['tcp', 'udp', 'sctp'] as const) {
    const mine = ports.filter((p) => p.protocol === protocol);
    if (!mine.length) continue;
    if (mine.some((p) => p.port === undefined)) out.push(`meta l4proto ${protocol} `);
    else {
      const list = [...new Set(mine.map((p) => (p.endPort && p.endPort > p.port! ? `${p.port}-${p.endPort}` : `${p.port}`)))];
      out.push(`meta l4proto ${protocol} th dport { ${list.join(', ')} } `);
    }
  }
  return out;
}

function allowRules(field: 'saddr' | 'daddr', allows: Allow[]): string[] {
  const out = new Set<string>();
  for (const a of allows) {
    let peer = '';
    if ('ips' in a.peer) {
      if (!a.peer.ips.length) continue;
      peer = `ip ${field} { ${[...new Set(a.peer.ips)].join(', ')} } `;
    } else if ('cidr' in a.peer) {
      peer = `ip ${field} ${a.peer.cidr} ` + (a.peer.except.length ? `ip ${field} != { ${a.peer.except.join(', ')} } ` : '');
    }
    for (const ports of portMatches(a.ports)) out.add(`${peer}${ports}return`);
  }
  return [...out];
}

/** The whole table for this model (an empty model removes it: no per-packet cost without policies). */
export function policyScript(model: PolicyModel, scope: NftScope): string {
  const t = `ip ${scope.table}`;
  const lines = [`add table ${t}`, `delete table ${t}`];
  if (!model.ingress.size && !model.egress.size) return lines.join('\n') + '\n';
  const iif = scope.bridge ? `iifname "${scope.bridge}" ` : '';
  const oif = scope.bridge ? `oifname "${scope.bridge}" ` : '';
  lines.push(`add table ${t}`);
  lines.push(`add chain ${t} forward { type filter hook forward priority filter; policy accept; }`);
  const fwd = (rule: string) => lines.push(`add rule ${t} forward ${rule}`);
  fwd('ct state established,related accept');
  for (const p of scope.pass ?? []) fwd(`${p} accept`);
  const chains: string[] = [];
  const vmap = (dir: 'in' | 'eg', m: Map<string, Allow[]>) => {
    const entries: string[] = [];
    for (const [ip, allows] of m) {
      const c = chainName(dir, ip);
      chains.push(`add chain ${t} ${c}`);
      for (const r of allowRules(dir === 'in' ? 'saddr' : 'daddr', allows)) chains.push(`add rule ${t} ${c} ${r}`);
      chains.push(`add rule ${t} ${c} counter drop`);
      entries.push(`${ip} : jump ${c}`);
    }
    return entries;
  };
  const eg = vmap('eg', model.egress);
  const ing = vmap('in', model.ingress);
  lines.push(...chains);
  if (eg.length) fwd(`${iif}ip saddr vmap { ${eg.join(', ')} }`);
  if (ing.length) fwd(`${oif}ip daddr vmap { ${ing.join(', ')} }`);
  return lines.join('\n') + '\n';
}
