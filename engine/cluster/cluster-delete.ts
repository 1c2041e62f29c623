// Deleting a cluster: stop its process, remove its entries from the kubeconfigs it was merged
// into, its etcd keys, its Docker containers and network, then its data dir. What cannot be
// cleaned (a dead etcd, Docker refusing) becomes a warning saying how to finish by hand: a
// broken dependency must not make a cluster undeletable.
import { existsSync, rmSync } from 'node:fs';
import { readClusterConfig } from './cluster-config';
import { stopClusterProcess, type StopTimeouts } from './cluster-stop';
import { DEFAULT_ETCD_ENDPOINTS } from './control-plane-types';
import { entryNames } from './kubeconfig';
import { removeFromUserKubeconfig } from './kubeconfig-merge';
import type { ClusterPaths } from './paths';
import { etcdPrefix, wipeEtcdCluster } from './wipe-etcd';

export interface DeleteResult {
  /** False when the cluster had no data dir: only kubeconfig entries were looked for. */
  existed: boolean;
  dir: string;
  /** Files the cluster's entries were removed from, each with the backup written first. */
  kubeconfigs: { file: string; backup?: string }[];
  /** Keys removed from etcd (clusters stored there). */
  etcd?: { prefix: string; removed: number };
  /** What could not be cleaned, each ending with how to do it by hand; the data dir went anyway. */
  warnings: string[];
}

export interface DeleteDeps {
  stopTimeouts: StopTimeouts;
  /** Removes the cluster's Docker containers and network; returns a warning when it could not. */
  removeDockerResources(clusterDir: string, name: string): Promise<string | undefined>;
}

/**
 * `extraKubeconfig`: a file to clean besides those cluster.json lists (kubectl's default file,
 * in case cluster.json is gone); undefined leaves every other kubeconfig alone.
 */
export async function deleteCluster(
  paths: ClusterPaths,
  name: string,
  extraKubeconfig: string | undefined,
  deps: DeleteDeps,
): Promise<DeleteResult> {
  const existed = existsSync(paths.dir);
  const config = existed ? readClusterConfig(paths.config) : undefined;
  const result: DeleteResult = { existed, dir: paths.dir, kubeconfigs: [], warnings: [] };
  if (existed) await stopClusterProcess(paths, deps.stopTimeouts);
  const files = new Set([...(config?.kubeconfigs ?? []), ...(extraKubeconfig ? [extraKubeconfig] : [])]);
  for (const file of files) {
    const r = removeFromUserKubeconfig(file, entryNames(name));
    if (r.written) result.kubeconfigs.push({ file, backup: r.backup });
  }
  if (!existed) return result;
  if (config?.datastore === 'etcd') {
    const endpoints = config.etcdEndpoints ?? DEFAULT_ETCD_ENDPOINTS;
    const prefix = etcdPrefix(name);
    try {
      result.etcd = { prefix, removed: await wipeEtcdCluster(endpoints, name) };
    } catch (err) {
      result.warnings.push(
        `could not remove keys under ${prefix} from etcd at ${endpoints.join(',')} (${firstLine(err)}); remove them with etcdctl del --prefix ${prefix}/`,
      );
    }
  }
  const docker = await deps.removeDockerResources(paths.dir, name);
  if (docker) result.warnings.push(docker);
  rmSync(paths.dir, { recursive: true, force: true });
  return result;
}

/** The containers and network the cluster's Docker nodes made; nothing to do without Docker. */
export async function removeDockerResources(clusterDir: string, name: string): Promise<string | undefined> {
  const { dockerReachable } = await import('./node-runtime');
  if (!(await dockerReachable()).ok) return undefined;
  let label = `skiff.cluster=${name}`;
  try {
    const { Docker } = await import('../docker/dockerode');
    const { removeClusterResources } = await import('../docker/network');
    const { loadClusterRef } = await import('./cluster-id');
    const ref = loadClusterRef(clusterDir, name, { create: false });
    if (!ref.legacy) label = `skiff.cluster-uid=${ref.uid}`;
    await removeClusterResources(new Docker(), ref);
    return undefined;
  } catch (err) {
    return `could not remove the cluster's Docker containers (${firstLine(err)}); remove them with: docker rm -f $(docker ps -aq --filter label=${label})`;
  }
}

const firstLine = (err: unknown) => String((err as Error).message).split('\n')[0];
