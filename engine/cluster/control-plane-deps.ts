// The real heavy parts of a control plane start (tests inject fakes instead): the store, the API
// server, the cluster's Docker network, preloading modules while Docker works, and the Docker
// host's facts for the first node status. All imported on demand.
import type { HostFacts } from '../kubelet/docker/node-info';
import type { ControlPlaneDeps } from './control-plane-types';
import { SkiffError, firstLine } from './errors';

export const defaultControlPlaneDeps: ControlPlaneDeps = {
  // Imported on demand so `skiff status` and friends never pay for loading the server.
  // SQLite loads its backend alone: the etcd client takes ~0.4 s to import, a third of the start budget.
  openStore: async (o) =>
    o.kind === 'sqlite'
      ? (await import('../store/sqlite-store')).openSqliteStore({ path: o.path })
      : (await import('../store/open-store')).openStore(o),
  startApiServer: async (o) => (await import('../apiserver/server')).startApiServer(o),
  prepareNetwork: async (cluster, preferredSubnet, log) => {
    const { Docker } = await import('../docker/dockerode');
    const { prepareClusterNetwork } = await import('../docker/network');
    const { planFromSubnet } = await import('../network/address-plan');
    const info = await prepareClusterNetwork(new Docker(), cluster, preferredSubnet).catch((err) => {
      throw new SkiffError(
        `cannot create the cluster's Docker network (${firstLine(err)})`,
        'check that Docker is healthy (docker network ls), or pass --node-runtime simulated',
      );
    });
    if (!info.ipRange)
      log(
        `network: ${info.name} predates Service networking (no --ip-range) and has containers; Service IPs share its subnet until the cluster is deleted and re-created`,
      );
    return planFromSubnet(info.subnet);
  },
  guessSubnet: async (cluster, preferredSubnet) => {
    const { Docker } = await import('../docker/dockerode');
    const { guessClusterSubnet } = await import('../docker/network');
    return guessClusterSubnet(new Docker(), cluster, preferredSubnet);
  },
  // While Docker answers (and creates the network), this thread would idle: the modules the
  // start needs next are loaded and evaluated then instead of one after the other later.
  preload: (newPki) => {
    const later = [
      import('../apiserver/server'),
      import('./components'),
      import('../kubelet/index'),
      import('../kubelet/docker/docker-runtime'),
      ...(newPki ? [import('../pki/create-pki')] : []),
    ];
    for (const p of later) p.catch(() => {}); // a failure is met where the module is used
  },
};

/** The Docker host's facts for the node status; undefined when Docker does not answer (the kubelet asks again). */
export async function readHostFacts(): Promise<HostFacts | undefined> {
  try {
    const [{ Docker }, { dockerHostFacts }] = await Promise.all([import('../docker/dockerode'), import('../kubelet/docker/node-info')]);
    return await dockerHostFacts(new Docker());
  } catch {
    return undefined;
  }
}
