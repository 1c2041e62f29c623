// Pods across machines (README "Pods across machines"), the pure part: which pod ranges live on
// which machine, and the shell script that makes one machine route the others' ranges to them
// (host routes where they share a subnet, else the VXLAN overlay of pod-overlay.ts) and lets that
// traffic through Docker's firewall untranslated (no masquerade between pod ranges, forwarding accepted).
import type { KubeObject } from '../kinds/types';
import { overlayLines, parseOverlayMode, type OverlayMode, type OverlayPlan } from './pod-overlay';

/** On the first machine's Docker-backed nodes: "<its cluster network> via <its advertised address>". */
export const POD_ROUTE_ANNOTATION = 'skiff.dev/pod-route';
// engine/kubelet's NODE_RUNTIME_ANNOTATION and its value for a joined machine's node (this layer cannot import it).
const RUNTIME_ANNOTATION = 'skiff.dev/node-runtime';
const JOINED = 'joined';

export interface PodRoute {
  cidr: string;
  via: string;
}

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const IP = /^(\d{1,3}\.){3}\d{1,3}$/;

/** Where a node's pods are reached: a joined node's podCIDR at its InternalIP, or what its annotation says. */
export function routeOf(node: KubeObject): PodRoute | undefined {
  const a = node.metadata.annotations ?? {};
  const m = /^(\S+) via (\S+)$/.exec(a[POD_ROUTE_ANNOTATION] ?? '');
  if (m) return CIDR.test(m[1]) && IP.test(m[2]) ? { cidr: m[1], via: m[2] } : undefined;
  if (a[RUNTIME_ANNOTATION] !== JOINED) return undefined;
  const cidr = (node.spec as { podCIDR?: string } | undefined)?.podCIDR;
  const addresses = (node.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? [];
  const via = addresses.find((x) => x.type === 'InternalIP')?.address;
  return cidr && via && CIDR.test(cidr) && IP.test(via) ? { cidr, via } : undefined;
}

/**
 * For the machine at `self`: the routes to every other machine's pods (one per CIDR, by node
 * name order when two nodes claim one) and every pod range of the cluster (its own included).
 */
export function podRoutesFor(nodes: KubeObject[], self: string): { routes: PodRoute[]; podRanges: string[] } {
  const byCidr = new Map<string, PodRoute>();
  const sorted = [...nodes].sort((x, y) => String(x.metadata.name).localeCompare(String(y.metadata.name)));
  for (const n of sorted) {
    const r = routeOf(n);
    if (r && !byCidr.has(r.cidr)) byCidr.set(r.cidr, r);
  }
  const podRanges = [...byCidr.keys()].sort();
  const routes = [...byCidr.values()].filter((r) => r.via !== self).sort((x, y) => x.cidr.localeCompare(y.cidr));
  return { routes, podRanges };
}

/**
 * On a joined machine's node, written by the first machine: that machine's routes and the
 * cluster's pod ranges as JSON. A node may read only its own Node object (the Node authorizer,
 * KEP-4601), so a joined machine learns the others' ranges from here, not by listing Nodes.
 */
export const POD_ROUTES_FOR_ANNOTATION = 'skiff.dev/pod-routes';

/** What the first machine hands a joined one: its routes, the pod ranges, and the overlay's VNI and mode. */
export interface HandedRoutes {
  routes: PodRoute[];
  podRanges: string[];
  overlay?: { vni: number; mode?: OverlayMode };
}

/** The routes annotation read back; anything not a plain CIDR or address is dropped (it reaches a shell script). */
export function parseRoutesFor(node: KubeObject | undefined): HandedRoutes {
  try {
    const v = JSON.parse(node?.metadata.annotations?.[POD_ROUTES_FOR_ANNOTATION] ?? '{}') as {
      routes?: unknown;
      podRanges?: unknown;
      overlay?: { vni?: unknown; mode?: unknown };
    };
    const routes = (Array.isArray(v.routes) ? (v.routes as Partial<PodRoute>[]) : [])
      .filter((r) => typeof r.cidr === 'string' && typeof r.via === 'string' && CIDR.test(r.cidr) && IP.test(r.via))
      .map((r) => ({ cidr: r.cidr!, via: r.via! }));
    const podRanges = (Array.isArray(v.podRanges) ? (v.podRanges as unknown[]) : []).filter(
      (c): c is string => typeof c === 'string' && CIDR.test(c),
    );
    const vni = v.overlay?.vni;
    const mode = parseOverlayMode(v.overlay?.mode);
    const overlay =
      Number.isInteger(vni) && (vni as number) > 0 && (vni as number) < 1 << 24
        ? { vni: vni as number, ...(mode ? { mode } : {}) }
        : undefined;
    return { routes, podRanges, ...(overlay ? { overlay } : {}) };
  } catch {
    return { routes: [], podRanges: [] };
  }
}

/** Whether a node is a joined machine's (its routes are handed to it in POD_ROUTES_FOR_ANNOTATION). */
export const isJoinedNode = (node: KubeObject) => node.metadata.annotations?.[RUNTIME_ANNOTATION] === JOINED;

/**
 * The script (busybox sh, ip, nft; iproute2 for the overlay) run in the host's network namespace:
 * replace the wanted routes (host routes, or with `overlay` through its device where pod-overlay.ts
 * decides so), delete `drop`ped ones, and (re)insert one rule tagged `tag` at the head of Docker's
 * iptables-nft chains — DOCKER-USER accepts pod range → pod range, nat POSTROUTING returns before
 * Docker's MASQUERADE — when those chains exist; over the overlay also a TCP MSS clamp to its MTU
 * in DOCKER-USER (pods keep MTU 1500). Prints `FAIL <what>` per failed step.
 */
export function routeScript(want: PodRoute[], drop: string[], podRanges: string[], tag: string, overlay?: OverlayPlan): string {
  const lines = ['#!/bin/sh'];
  if (overlay) lines.push(...overlayLines(want, overlay));
  else for (const r of want) lines.push(`ip route replace ${r.cidr} via ${r.via} 2>&1 || echo "FAIL route ${r.cidr} via ${r.via}"`);
  for (const c of drop) lines.push(`ip route del ${c} 2>/dev/null`);
  // The old rules' handles are read first and deleted after the new ones are in: no moment without them.
  const handles = (chain: string) =>
    `$(nft -a list chain ip ${chain} 2>/dev/null | sed -n 's/.*comment "${tag}" # handle \\([0-9]*\\)$/\\1/p')`;
  lines.push(`old_fwd=${handles('filter DOCKER-USER')}`, `old_nat=${handles('nat POSTROUTING')}`);
  if (podRanges.length > 1 && want.length) {
    const set = `{ ${podRanges.join(', ')} }`;
    const match = `ip saddr ${set} ip daddr ${set}`;
    lines.push(
      `if nft list chain ip filter DOCKER-USER >/dev/null 2>&1; then nft 'insert rule ip filter DOCKER-USER ${match} accept comment "${tag}"' || echo "FAIL forward rule"; fi`,
      `if nft list chain ip nat POSTROUTING >/dev/null 2>&1; then nft 'insert rule ip nat POSTROUTING ${match} return comment "${tag}"' || echo "FAIL nat rule"; fi`,
    );
    // Inserted after the accept, so it comes first: SYNs leaving by the overlay carry an MSS that fits its MTU.
    if (overlay)
      lines.push(
        `if [ -n "$ovl" ] && nft list chain ip filter DOCKER-USER >/dev/null 2>&1; then nft 'insert rule ip filter DOCKER-USER oifname "${overlay.dev}" tcp flags syn tcp option maxseg size set rt mtu comment "${tag}"' || echo "FAIL overlay MSS clamp"; fi`,
      );
  }
  lines.push(
    'for h in $old_fwd; do nft delete rule ip filter DOCKER-USER handle $h; done',
    'for h in $old_nat; do nft delete rule ip nat POSTROUTING handle $h; done',
  );
  lines.push('exit 0');
  return lines.join('\n') + '\n';
}
