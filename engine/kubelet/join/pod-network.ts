// A joined machine's pod network: a Docker bridge on exactly the node's podCIDR (the cluster
// hands it out, engine/kubelet/index.ts), so its pods' IPs are unique in the cluster and other
// machines route that CIDR to this one (engine/network/README.md, "Pods across machines"); and
// cluster DNS for its pods, the kube-dns Service's IP (reached through the first machine).
import type Docker from 'dockerode';
import type { KubeClient } from '../../client/types';
import { R } from '../../client/types';
import { clusterLabels, networkName, type ClusterKey } from '../../docker/names';
import type { PodDnsSettings } from '../docker/container-config';

const CLUSTER_DOMAIN = 'cluster.local';

/** The podCIDR the cluster gives this node; undefined when none comes in time (a cluster without an allocator). */
export async function waitPodCIDR(client: KubeClient, nodeName: string, timeoutMs = 20_000): Promise<string | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const n = await client.get(R.nodes, undefined, nodeName).catch(() => undefined);
    const cidr = (n?.spec as { podCIDR?: string } | undefined)?.podCIDR;
    if (cidr) return cidr;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}

const gatewayOf = (cidr: string) => cidr.replace(/\.\d+\/\d+$/, (m) => `.${Number(m.slice(1, m.indexOf('/'))) + 1}`);

/**
 * Makes the node's pod network a bridge on `cidr`. A network left with another subnet (an earlier
 * join) is replaced when no container uses it; otherwise it is kept and that is logged.
 */
export async function ensurePodNetwork(docker: Docker, cluster: ClusterKey, cidr: string, log: (l: string) => void): Promise<void> {
  const name = networkName(cluster);
  const existing = (await docker.listNetworks({ filters: { name: [name] } })).find((n) => n.Name === name);
  if (existing) {
    const info = await docker.getNetwork(existing.Id).inspect();
    if (info.IPAM?.Config?.[0]?.Subnet === cidr) return;
    if (Object.keys(info.Containers ?? {}).length) {
      log(`pod network ${name} is on ${info.IPAM?.Config?.[0]?.Subnet}, not the node's podCIDR ${cidr}; pods keep it until they are gone`);
      return;
    }
    await docker.getNetwork(existing.Id).remove();
  }
  await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: clusterLabels(cluster),
    IPAM: { Driver: 'default', Config: [{ Subnet: cidr, Gateway: gatewayOf(cidr) }] },
  });
  log(`pod network ${name} on ${cidr}`);
}

/** Cluster DNS for this node's pods: the kube-dns Service's ClusterIP, when the cluster has one. */
export async function clusterDns(client: KubeClient): Promise<PodDnsSettings | undefined> {
  const svc = await client.get(R.services, 'kube-system', 'kube-dns').catch(() => undefined);
  const ip = (svc?.spec as { clusterIP?: string } | undefined)?.clusterIP;
  return ip && ip !== 'None' ? { nameserver: ip, clusterDomain: CLUSTER_DOMAIN } : undefined;
}
