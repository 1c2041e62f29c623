// What the Docker runtime's parts (sandboxes.ts, containers.ts, docker-runtime.ts) share: the
// node's container listing and the pods it has seen.
import type Docker from 'dockerode';
import type { KubeObject } from '../../kinds/types';
import { L, clusterFilter, ownedBy, type ClusterKey } from '../../docker/names';
import { isUp, matchesLabels, sharedLister } from './shared-list';

export type ListContainers = (opts: { all?: boolean; labels?: string[] }) => Promise<Docker.ContainerInfo[]>;

/**
 * The node's containers (with more label filters); a legacy cluster selects by name, which another
 * cluster may share: ownership decides. Concurrent calls share one Docker list (shared-list.ts).
 */
export function nodeContainers(docker: Docker, cluster: ClusterKey, node: string): { list: ListContainers; baseFilter: string[] } {
  const baseFilter = [...clusterFilter(cluster), `${L.node}=${node}`];
  const fresh = sharedLister(async () =>
    (await docker.listContainers({ all: true, filters: { label: baseFilter } })).filter((c) => ownedBy(cluster, c.Labels)),
  );
  const list: ListContainers = async (opts) =>
    (await fresh()).filter((c) => (opts.all || isUp(c)) && matchesLabels(c.Labels, opts.labels ?? []));
  return { list, baseFilter };
}

/** uid → the pod last seen by ensureSandbox. */
export type KnownPods = Map<string, KubeObject>;

/** Newest attempt first (by the attempt label). */
export const newestAttemptFirst = (a: Docker.ContainerInfo, b: Docker.ContainerInfo) =>
  Number(b.Labels[L.attempt] ?? 0) - Number(a.Labels[L.attempt] ?? 0);
