// Pods across machines over a VXLAN overlay (README "Pods across machines"), the pure part: when
// a machine's pods cannot be reached by a host route (its address is not on a directly connected
// subnet: a router lies between), its pod range goes through `skvx<hash>`, a VXLAN device of
// this machine. Every machine's device has a MAC derived from its address, so a peer's MAC needs
// no exchange: per peer one FDB entry (that MAC → its address) and one permanent neighbour (its
// address as the next hop on the device, that MAC), and the route `<range> via <address> dev
// skvx… onlink`. The shell lines below run in the routes script (pod-routes.ts) with iproute2.
import { createHash } from 'node:crypto';
import type { PodRoute } from './pod-routes';

/** auto: overlay to peers a host route cannot reach; overlay: always; routes: never (host routes only). */
export type OverlayMode = 'auto' | 'overlay' | 'routes';
export const OVERLAY_MODES: readonly OverlayMode[] = ['auto', 'overlay', 'routes'];
/** Set on a machine's Skiff (the first machine's applies to the machines that join it, unless they set their own). */
export const OVERLAY_ENV = 'SKIFF_POD_NETWORK';
/** IANA's VXLAN port. */
export const VXLAN_PORT = 4789;
/** Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14) headers. */
export const VXLAN_OVERHEAD = 50;

export const parseOverlayMode = (v: unknown): OverlayMode | undefined =>
  OVERLAY_MODES.includes(v as OverlayMode) ? (v as OverlayMode) : undefined;

const hash = (s: string) => createHash('sha256').update(s).digest();

/** The VXLAN device of a cluster on a machine (15 characters at most, as the kernel wants). */
export const overlayDevice = (tag: string) => `skvx${hash(tag).toString('hex').slice(0, 8)}`;

/** The cluster's VXLAN network identifier, from its UID (2…2^24−1): clusters on one machine differ. */
export const overlayVni = (clusterUid: string) => 2 + (hash(clusterUid).readUInt32BE(0) % (0xffffff - 1));

/** A machine's device MAC from its address: locally administered, unicast (0e:5f:a:b:c:d). */
export const vtepMac = (ip: string) => ['0e', '5f', ...ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0'))].join(':');

/** The first address of a range: the pod bridge's gateway, this machine's own address in its pod range. */
export function firstHost(cidr: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const n = ((+m[1] << 24) | (+m[2] << 16) | (+m[3] << 8) | +m[4]) >>> 0;
  const mask = +m[5] === 0 ? 0 : (0xffffffff << (32 - +m[5])) >>> 0;
  const a = ((n & mask) + 1) >>> 0;
  return [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join('.');
}

export interface OverlayPlan {
  mode: OverlayMode;
  /** The device (overlayDevice). */
  dev: string;
  vni: number;
  /** This machine's address (the device's local end; peers send to it). */
  self: string;
  /** Preferred source for this host's own packets to other machines' pods: its pod gateway, so replies come back the same way. */
  src?: string;
  /** Where iproute2's `ip` and `bridge` are looked for (tests point elsewhere). */
  toolDirs?: string[];
}

/** The helper image keeps them in /usr/sbin (agent-image.ts); an image that installed iproute2 has them on one of the others. */
const TOOL_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

/**
 * The routes script's part for `want` (instead of plain `ip route replace`): decide per peer
 * (auto: `ip route get <peer>` names a gateway → overlay), make or keep the device (re-made only
 * when its VNI, local address or MAC differ; MTU the smallest underlay MTU towards a peer minus
 * VXLAN's 50 bytes), per peer the FDB entry, neighbour and route, and drop entries of peers
 * gone. No overlay peer: the device is deleted (and its routes with it). Prints `OVERLAY <cidr>`
 * per range routed over it and `FAIL <what>` per failed step.
 */
export function overlayLines(want: PodRoute[], o: OverlayPlan): string[] {
  const { dev } = o;
  const dirs = o.toolDirs ?? TOOL_DIRS;
  const lines = [
    // iproute2 by path (the helper image's busybox `ip` cannot make VXLAN devices); none: host routes.
    `IP2=; for p in ${dirs.map((d) => `${d}/ip`).join(' ')}; do if $p -V 2>/dev/null | grep -q iproute2; then IP2=$p; break; fi; done`,
    `BR=; for p in ${dirs.map((d) => `${d}/bridge`).join(' ')}; do if [ -x $p ]; then BR=$p; break; fi; done`,
    'ovl=""',
    o.mode === 'overlay'
      ? 'over() { return 0; }'
      : o.mode === 'routes'
        ? 'over() { return 1; }'
        : `over() { ip route get "$1" 2>/dev/null | grep -q ' via '; }`,
  ];
  want.forEach((r, i) => {
    const host = `ip route replace ${r.cidr} via ${r.via} 2>&1 || echo "FAIL route ${r.cidr} via ${r.via}"`;
    lines.push(
      `o${i}=; if over ${r.via}; then if [ -n "$IP2" ] && [ -n "$BR" ]; then o${i}=1; ovl="$ovl ${r.via}"; ` +
        `else echo "FAIL overlay to ${r.via}: no iproute2 ip and bridge in the helper image (a host route instead)"; ${host}; fi; ` +
        `else ${host}; fi`,
    );
  });
  const mac = vtepMac(o.self);
  lines.push(
    'if [ -n "$ovl" ]; then',
    // The smallest MTU of the links towards the peers; VXLAN's headers come off it.
    `  m=0; for v in $ovl; do d=$(ip route get $v 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' | head -n1); ` +
      `u=$(ip link show dev "$d" 2>/dev/null | sed -n 's/.* mtu \\([0-9]*\\).*/\\1/p'); ` +
      'if [ -n "$u" ] && { [ $m -eq 0 ] || [ $u -lt $m ]; }; then m=$u; fi; done',
    '  [ $m -gt 0 ] || m=1500',
    `  s=$($IP2 -d link show ${dev} 2>/dev/null)`,
    `  case "$s" in *"link/ether ${mac} "*"vxlan id ${o.vni} local ${o.self} "*"dstport ${VXLAN_PORT} "*) ;; *)`,
    `    $IP2 link del ${dev} 2>/dev/null`,
    `    $IP2 link add ${dev} address ${mac} type vxlan id ${o.vni} local ${o.self} dstport ${VXLAN_PORT} nolearning 2>&1 || echo "FAIL overlay device ${dev}";;`,
    '  esac',
    `  $IP2 link set ${dev} mtu $((m - ${VXLAN_OVERHEAD})) up 2>&1 || echo "FAIL overlay device ${dev} up"`,
  );
  want.forEach((r, i) => {
    const pm = vtepMac(r.via);
    const route = `$IP2 route replace ${r.cidr} via ${r.via} dev ${dev} onlink`;
    lines.push(
      `  if [ -n "$o${i}" ]; then ` +
        `$IP2 neigh replace ${r.via} lladdr ${pm} dev ${dev} nud permanent && ` +
        `$BR fdb replace ${pm} dev ${dev} dst ${r.via} self permanent && ` +
        `{ ${o.src ? `${route} src ${o.src} 2>/dev/null || ` : ''}${route}; } && echo "OVERLAY ${r.cidr}" || echo "FAIL overlay route ${r.cidr} via ${r.via}"; fi`,
    );
  });
  lines.push(
    // Peers gone: their FDB entries and neighbours go too.
    `  for e in $($BR fdb show dev ${dev} 2>/dev/null | sed -n 's/^\\([0-9a-f:]*\\) dst \\([0-9.]*\\) .*/\\1,\\2/p'); do ` +
      `case " $ovl " in *" \${e#*,} "*) ;; *) $BR fdb del \${e%,*} dev ${dev} dst \${e#*,};; esac; done`,
    `  for n in $($IP2 neigh show dev ${dev} 2>/dev/null | sed -n 's/^\\([0-9.]*\\) .*/\\1/p'); do ` +
      `case " $ovl " in *" $n "*) ;; *) $IP2 neigh del $n dev ${dev};; esac; done`,
    'else',
    `  ip link del ${dev} 2>/dev/null`,
    'fi',
  );
  return lines;
}
