// The kernel path for Service traffic (issue 16): nftables rules in the agent's own network
// namespace DNAT each new connection to a ClusterIP:port (TCP and UDP) straight to a ready
// endpoint, and masquerade it so replies come back through the agent, where conntrack undoes both.
// Packets never reach userspace. Spreading is `numgen random` over the ready endpoints; session
// affinity (ClientIP) is a timed set of client addresses per endpoint, refreshed on every new
// connection, checked before the random pick (kube-proxy's nftables mode does the same). Why nft
// and not iptables or IPVS: one binary (plus its libraries) the image copies from the host, the
// whole ruleset replaced in one atomic transaction, and maps/sets with timeouts built in; IPVS
// needs the ip_vs module on the host. Ports with no ready endpoint and reverse routes (the API
// server on the host) get no rule: the userspace listeners answer those (reset, or the reverse
// pool). Sets survive updates (`flush table` keeps set elements), so affinity outlives churn.
import { createHash } from 'node:crypto';
import type { RoutingTable } from '../table';

export const NFT_TABLE = 'skiff';

const h = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

export interface NftState {
  chains: Set<string>;
  sets: Set<string>;
}

/** The nft script that makes the table's kernel rules exactly these; also what it creates. */
export function nftScript(table: RoutingTable, dev: string, have: NftState): { script: string; state: NftState } {
  const t = `ip ${NFT_TABLE}`;
  const chains = new Set<string>();
  const sets = new Set<string>();
  const body: string[] = [];
  for (const svc of table.services)
    for (const port of svc.ports) {
      if (port.reverse || !port.endpoints.length || (port.protocol !== 'TCP' && port.protocol !== 'UDP')) continue;
      const proto = port.protocol.toLowerCase();
      const key = h(`${svc.ip}:${port.port}/${port.protocol}`);
      const svcChain = `svc-${key}`;
      chains.add(svcChain);
      body.push(`add rule ${t} services ip daddr ${svc.ip} ${proto} dport ${port.port} counter goto ${svcChain}`);
      const eps = port.endpoints.map((ep) => ({ ep, chain: `ep-${key}-${h(`${ep.ip}:${ep.port}`)}` }));
      const timeout = svc.affinitySeconds;
      for (const { ep, chain } of eps) {
        chains.add(chain);
        let rule = `add rule ${t} ${chain} `;
        if (timeout) {
          const set = `aff-${chain.slice(3)}-${timeout}`;
          sets.add(set);
          body.push(`add set ${t} ${set} { type ipv4_addr; flags dynamic,timeout; timeout ${timeout}s; size 65535; }`);
          body.push(`add rule ${t} ${svcChain} ip saddr @${set} goto ${chain}`);
          rule += `update @${set} { ip saddr } `;
        }
        body.push(`${rule}meta l4proto ${proto} dnat to ${ep.ip}:${ep.port}`);
      }
      body.push(
        eps.length === 1
          ? `add rule ${t} ${svcChain} goto ${eps[0].chain}`
          : `add rule ${t} ${svcChain} numgen random mod ${eps.length} vmap { ${eps.map((e, i) => `${i} : goto ${e.chain}`).join(', ')} }`,
      );
    }
  const script = [
    `add table ${t}`,
    `flush table ${t}`,
    `add chain ${t} services`,
    `add chain ${t} prerouting { type nat hook prerouting priority dstnat; policy accept; }`,
    `add chain ${t} postrouting { type nat hook postrouting priority srcnat; policy accept; }`,
    `add rule ${t} prerouting jump services`,
    // Only what we DNATed, only out of the cluster interface: Docker's own DNS rules (loopback) stay as they are.
    `add rule ${t} postrouting oifname "${dev}" ct status dnat masquerade`,
    ...[...chains].filter((c) => !have.chains.has(c)).map((c) => `add chain ${t} ${c}`),
    ...body,
    ...[...have.chains].filter((c) => !chains.has(c)).map((c) => `delete chain ${t} ${c}`),
    ...[...have.sets].filter((s) => !sets.has(s)).map((s) => `delete set ${t} ${s}`),
  ];
  return { script: script.join('\n') + '\n', state: { chains, sets } };
}
