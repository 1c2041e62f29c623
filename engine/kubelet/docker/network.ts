// The cluster's Docker bridge network: pod sandboxes get their IPs on it, so pods reach each
// other by IP and the host reaches pods directly (Linux bridge), which port-forward relies on.
import type Docker from 'dockerode';
import { L, networkName } from './names';

/** Picks a /16 under 10.0.0.0/8 that no existing Docker network overlaps. */
async function freeSubnet(docker: Docker): Promise<string> {
  const used = new Set<string>();
  for (const n of await docker.listNetworks()) {
    for (const c of n.IPAM?.Config ?? []) {
      const m = /^(\d+)\.(\d+)\./.exec(c.Subnet ?? '');
      if (m) used.add(`${m[1]}.${m[2]}`);
    }
  }
  for (let b = 200; b < 256; b++) if (!used.has(`10.${b}`)) return `10.${b}.0.0/16`;
  for (let b = 100; b < 200; b++) if (!used.has(`10.${b}`)) return `10.${b}.0.0/16`;
  throw new Error('no free 10.x.0.0/16 subnet for the cluster network');
}

// Kubelets of one cluster in this process share one creation: newer Docker engines ignore
// CheckDuplicate, and two networks with one name make every later lookup ambiguous.
const creating = new Map<string, Promise<string>>();

/** Creates (or finds) `skiff-<cluster>`; resolves with its name. */
export function ensureClusterNetwork(docker: Docker, cluster: string): Promise<string> {
  let p = creating.get(cluster);
  if (!p) {
    p = createNetwork(docker, cluster).finally(() => creating.delete(cluster));
    creating.set(cluster, p);
  }
  return p;
}

async function createNetwork(docker: Docker, cluster: string): Promise<string> {
  const name = networkName(cluster);
  const existing = await docker.listNetworks({ filters: { name: [name] } });
  if (existing.some((n) => n.Name === name)) return name;
  try {
    await docker.createNetwork({
      Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { [L.cluster]: cluster },
      IPAM: { Driver: 'default', Config: [{ Subnet: await freeSubnet(docker) }] },
    });
  } catch (e: any) {
    if (e?.statusCode !== 409) throw e; // another kubelet of this cluster made it first
  }
  return name;
}

const gone = (e: any) => {
  // 409: Docker is already removing it (the kubelet got there first).
  if (e?.statusCode !== 404 && e?.statusCode !== 409) throw e;
};

/** Removes every container and the network this cluster created (skiff delete). */
export async function removeClusterResources(docker: Docker, cluster: string): Promise<void> {
  const label = [`${L.cluster}=${cluster}`];
  for (let i = 0; i < 50; i++) {
    const list = await docker.listContainers({ all: true, filters: { label } });
    if (!list.length) break;
    await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(gone)));
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const n of await docker.listNetworks({ filters: { label } })) await docker.getNetwork(n.Id).remove().catch(gone);
}
