// What the Docker runtime's parts (sandboxes.ts, containers.ts, docker-runtime.ts) share: the
// node's container listing and the pods it has seen.
import type Docker from 'dockerode';
import type { KubeObject } from '../../kinds/types';
import { L, clusterFilter, ownedBy, type ClusterKey } from '../../docker/names';

export type ListContainers = (opts: { all?: boolean; labels?: string[] }) => Promise<Docker.ContainerInfo[]>;

/** The node's containers (with more label filters); a legacy cluster selects by name, which another cluster may share: ownership decides. */
export function nodeContainers(docker: Docker, cluster: ClusterKey, node: string): { list: ListContainers; baseFilter: string[] } {
  const baseFilter = [...clusterFilter(cluster), `${L.node}=${node}`];
  const list: ListContainers = async (opts) =>
    (await docker.listContainers({ all: opts.all, filters: { label: [...baseFilter, ...(opts.labels ?? [])] } })).filter((c) =>
      ownedBy(cluster, c.Labels),
    );
  return { list, baseFilter };
}

/** uid → the pod last seen by ensureSandbox. */
export type KnownPods = Map<string, KubeObject>;

/** Newest attempt first (by the attempt label). */
export const newestAttemptFirst = (a: Docker.ContainerInfo, b: Docker.ContainerInfo) =>
  Number(b.Labels[L.attempt] ?? 0) - Number(a.Labels[L.attempt] ?? 0);
