// The cluster's Docker network removed behind Skiff's back (`docker network rm`, after the
// containers were disconnected or stopped): running sandboxes then sit in namespaces with no
// interface. Each relist looks for such sandboxes; the network is made again with its old subnet
// (Service IPs are its upper half) and every sandbox is reconnected at its old pod IP, so pods
// keep their IPs and their containers (which share the sandbox's namespace). A sandbox that
// cannot get its IP back is replaced, as after any other sandbox loss.
import type Docker from 'dockerode';
import { L, SANDBOX, networkName, type ClusterKey } from '../../docker/names';
import { ensureClusterNetwork } from '../../docker/network';

export interface NetworkRepairOptions {
  docker: Docker;
  cluster: ClusterKey;
  /** The network's subnet when the cluster started (cluster.json); kept when free. */
  subnet?: string;
  /** Removes a container as the runtime's own doing (not "removed behind our back"). */
  remove: (id: string) => Promise<void>;
  /** The pod IP a sandbox container last had. */
  lastIP: (sandboxId: string) => string | undefined;
  /** A pod's sandbox was reconnected (`replaced` false) or must be re-created (true). */
  repaired: (podUid: string, message: string, replaced: boolean) => void;
  log: (line: string) => void;
}

export interface NetworkRepair {
  /** Checks one relist's containers; repairs what lost the network. */
  check(containers: Docker.ContainerInfo[]): Promise<void>;
}

/** Running sandboxes made on the cluster network that are no longer attached to it. */
export function detachedSandboxes(containers: Docker.ContainerInfo[], network: string): Docker.ContainerInfo[] {
  return containers.filter(
    (c) =>
      c.Labels[L.container] === SANDBOX &&
      c.State === 'running' &&
      c.HostConfig?.NetworkMode === network &&
      !c.NetworkSettings?.Networks?.[network],
  );
}

export function createNetworkRepair(o: NetworkRepairOptions): NetworkRepair {
  const name = networkName(o.cluster);
  let running: Promise<void> | undefined;

  async function repair(lost: Docker.ContainerInfo[]) {
    const exists = (await o.docker.listNetworks({ filters: { name: [name] } })).some((n) => n.Name === name);
    if (!exists) {
      o.log(`docker: the cluster network ${name} was removed behind Skiff's back; creating it again`);
      await ensureClusterNetwork(o.docker, o.cluster, o.subnet);
    }
    const net = o.docker.getNetwork(name);
    for (const c of lost) {
      const uid = c.Labels[L.podUid];
      const ip = o.lastIP(c.Id);
      const what = exists
        ? `was disconnected from the cluster network ${name}`
        : `lost the cluster network ${name} (removed outside Skiff)`;
      try {
        await net.connect({ Container: c.Id, EndpointConfig: ip ? { IPAMConfig: { IPv4Address: ip } } : {} });
        o.repaired(uid, `Pod sandbox ${what}; reconnected${ip ? ` at ${ip}` : ''}`, false);
      } catch (e) {
        o.log(`docker: sandbox ${c.Id.slice(0, 12)} cannot rejoin ${name} (${(e as Error).message}); replacing it`);
        await o.remove(c.Id).catch(() => {});
        o.repaired(uid, `Pod sandbox ${what} and could not rejoin it; it will be re-created`, true);
      }
    }
  }

  return {
    check(containers) {
      const lost = detachedSandboxes(containers, name);
      if (lost.length === 0) return Promise.resolve();
      return (running ??= repair(lost).finally(() => (running = undefined)));
    },
  };
}
