// The cluster's Docker bridge network: pod sandboxes get their IPs on it, so pods reach each
// other by IP and the host reaches pods directly (Linux bridge), which port-forward relies on.
// Docker hands out only the lower half (--ip-range X.Y.0.0/17): the upper half is the cluster's
// Service CIDR, whose addresses the network agent holds (engine/network/README.md).
import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { clusterFilter, clusterLabels, clusterRef, networkName, ownedBy, type ClusterKey } from './names';

/** What dockerode's errors carry: the HTTP status of Docker's answer and its message. */
type DockerError = { statusCode?: number; message?: string };

/** `10.x` prefixes the host routes already (another Docker engine's bridges, VPNs); Linux only. */
export function routedPrefixes(routeTable = '/proc/net/route'): string[] {
  let text = '';
  try {
    text = readFileSync(routeTable, 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const dest = line.split('\t')[1];
    if (!dest || dest === '00000000') continue;
    const n = parseInt(dest, 16); // little-endian hex: the first octet is the low byte
    if ((n & 0xff) === 10) out.push(`10.${(n >> 8) & 0xff}`);
  }
  return out;
}

/** Picks a /16 under 10.0.0.0/8 that no existing Docker network or host route overlaps (`preferred` first). */
async function freeSubnet(docker: Docker, preferred?: string, taken: Iterable<string> = []): Promise<string> {
  return freeSubnetAmong(await docker.listNetworks(), preferred, taken);
}

function freeSubnetAmong(networks: Docker.NetworkInspectInfo[], preferred?: string, taken: Iterable<string> = []): string {
  const used = new Set<string>([...taken, ...routedPrefixes()]);
  for (const n of networks) {
    for (const c of n.IPAM?.Config ?? []) {
      const m = /^(\d+)\.(\d+)\./.exec(c.Subnet ?? '');
      if (m) used.add(`${m[1]}.${m[2]}`);
    }
  }
  const p = preferred ? /^10\.(\d+)\.0\.0\/16$/.exec(preferred) : null;
  if (p && !used.has(`10.${p[1]}`)) return preferred!;
  for (const g of guessed) used.add(g); // promised to another start of this process
  for (let b = 200; b < 256; b++) if (!used.has(`10.${b}`)) return `10.${b}.0.0/16`;
  for (let b = 100; b < 200; b++) if (!used.has(`10.${b}`)) return `10.${b}.0.0/16`;
  throw new Error('no free 10.x.0.0/16 subnet for the cluster network');
}

// Subnets handed out by guessClusterSubnet whose networks are not made yet: a second cluster
// starting in this process meanwhile picks another one.
const guessed = new Set<string>();

/**
 * The subnet the cluster's network has, or will get when prepareClusterNetwork makes it with this
 * as its preference, from one look at Docker's networks, so the API server can start while Docker
 * creates the network. Another process may take it meanwhile; the network then gets another one,
 * which the caller sees in prepareClusterNetwork's answer.
 */
export async function guessClusterSubnet(docker: Docker, cluster: ClusterKey, preferred?: string): Promise<string> {
  const networks = await docker.listNetworks();
  const own = networks.find((n) => n.Name === networkName(cluster))?.IPAM?.Config?.[0]?.Subnet;
  if (own) return own;
  const subnet = freeSubnetAmong(networks, preferred);
  const prefix = subnet.replace(/^(\d+\.\d+)\..*$/, '$1');
  guessed.add(prefix); // until prepareClusterNetwork has made the network
  return subnet;
}

/** The Linux bridge device of a Docker bridge network: its bridge.name option, else br-<id12>. */
export function bridgeDevice(net: { Id: string; Options?: Record<string, string> | null }): string {
  return net.Options?.['com.docker.network.bridge.name'] || `br-${net.Id.slice(0, 12)}`;
}

/** The lower half of a /16: where Docker allocates container IPs. */
export function podRangeOf(subnet: string): string {
  return subnet.replace(/\/16$/, '/17');
}

export interface ClusterNetworkInfo {
  name: string;
  subnet: string;
  /** Unset for a network made before Services got the upper half (kept while containers use it). */
  ipRange?: string;
}

// Kubelets of one cluster in this process share one creation: newer Docker engines ignore
// CheckDuplicate, and two networks with one name make every later lookup ambiguous.
const creating = new Map<string, Promise<string>>();

/** Creates (or finds) the cluster's network (names.ts `networkName`); resolves with its name. */
export function ensureClusterNetwork(docker: Docker, cluster: ClusterKey, preferred?: string): Promise<string> {
  const key = networkName(cluster);
  let p = creating.get(key);
  if (!p) {
    p = createNetwork(docker, cluster, preferred).finally(() => creating.delete(key));
    creating.set(key, p);
  }
  return p;
}

async function createNetwork(docker: Docker, cluster: ClusterKey, preferred?: string): Promise<string> {
  const name = networkName(cluster);
  const existing = await docker.listNetworks({ filters: { name: [name] } });
  if (existing.some((n) => n.Name === name)) return name;
  // Another cluster (another Skiff process) may claim the subnet between our look and our
  // create: Docker then says the pool overlaps, and the next free one is tried.
  const raced: string[] = [];
  for (;;) {
    const subnet = await freeSubnet(docker, preferred, raced);
    try {
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: clusterLabels(cluster),
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet, IPRange: podRangeOf(subnet) }] },
      });
      return name;
    } catch (err) {
      const e = err as DockerError | undefined;
      if (e?.statusCode === 409) return name; // another kubelet of this cluster made it first
      if (!/overlaps/i.test(String(e?.message)) || raced.length >= 20) throw err;
      raced.push(subnet.replace(/^(\d+\.\d+)\..*$/, '$1'));
    }
  }
}

async function inspectNetwork(docker: Docker, name: string): Promise<ClusterNetworkInfo & { containers: number; id: string }> {
  const info = await docker.getNetwork(name).inspect();
  const cfg: { Subnet?: string; IPRange?: string } = info.IPAM?.Config?.[0] ?? {};
  if (!cfg.Subnet)
    throw new Error(`Docker network ${name} has no IPv4 subnet; remove it (docker network rm ${name}) so Skiff can create it again`);
  return {
    name,
    id: info.Id,
    subnet: cfg.Subnet,
    ipRange: cfg.IPRange || undefined,
    containers: Object.keys(info.Containers ?? {}).length,
  };
}

/**
 * Makes sure the cluster network exists before the API server starts (its Service CIDR is the
 * network's upper half). `preferred` (the subnet in cluster.json) is reused when free, so Service
 * IPs survive a removed network. A network of an older Skiff without --ip-range is re-created
 * when nothing uses it; otherwise it is kept (Docker allocates from the bottom, so in practice
 * pod IPs stay in the lower half) and the caller is told.
 */
export async function prepareClusterNetwork(docker: Docker, cluster: ClusterKey, preferred?: string): Promise<ClusterNetworkInfo> {
  try {
    return await prepareNetworkOnce(docker, cluster, preferred);
  } finally {
    guessed.delete(preferred?.replace(/^(\d+\.\d+)\..*$/, '$1') ?? '');
  }
}

async function prepareNetworkOnce(docker: Docker, cluster: ClusterKey, preferred?: string): Promise<ClusterNetworkInfo> {
  const name = await ensureClusterNetwork(docker, cluster, preferred);
  let info = await inspectNetwork(docker, name);
  // Stopped containers (skiff stop) are not endpoints, yet still name the network: keep it for them.
  const users = info.ipRange ? 0 : info.containers + (await listClusterContainers(docker, cluster, { all: true })).length;
  if (!info.ipRange && users === 0) {
    await docker.getNetwork(info.id).remove().catch(gone);
    await ensureClusterNetwork(docker, cluster, info.subnet);
    info = await inspectNetwork(docker, name);
  }
  return { name: info.name, subnet: info.subnet, ipRange: info.ipRange };
}

const gone = (err: unknown) => {
  const e = err as DockerError | undefined;
  // 409: Docker is already removing it (the kubelet got there first).
  if (e?.statusCode !== 404 && e?.statusCode !== 409) throw err;
};

/** The cluster's containers (label filters plus ownership: a legacy cluster's name is shared). */
export async function listClusterContainers(
  docker: Docker,
  cluster: ClusterKey,
  o: { all?: boolean; labels?: string[] } = {},
): Promise<Docker.ContainerInfo[]> {
  const list = await docker.listContainers({ all: o.all, filters: { label: [...clusterFilter(cluster), ...(o.labels ?? [])] } });
  return clusterRef(cluster).legacy ? list.filter((c) => ownedBy(cluster, c.Labels)) : list;
}

/** Removes every container and the network this cluster created (skiff delete); no other cluster's. */
export async function removeClusterResources(docker: Docker, cluster: ClusterKey): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const list = await listClusterContainers(docker, cluster, { all: true });
    if (!list.length) break;
    await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(gone)));
    await new Promise((r) => setTimeout(r, 100));
  }
  const nets = await docker.listNetworks({ filters: { label: clusterFilter(cluster) } });
  for (const n of nets.filter((n) => ownedBy(cluster, n.Labels))) await docker.getNetwork(n.Id).remove().catch(gone);
}
