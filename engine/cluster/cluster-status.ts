// What a cluster's data dir says about it: whether it exists (cluster.json), runs (a live pid
// file) and is ready (/readyz with the admin client cert). `skiff status` and the app both ask here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKI_FILES } from '../pki/load-or-create-pki';
import { readClusterConfig, type ClusterConfig } from './cluster-config';
import { SkiffError } from './errors';
import { checkClusterName, clusterPaths, type ClusterPaths } from './paths';
import { runningPid } from './pid-file';
import { probeReadyz } from './readyz';

export interface ClusterStatus {
  name: string;
  paths: ClusterPaths;
  /** cluster.json; undefined when the cluster does not exist (or the file is unreadable). */
  config?: ClusterConfig;
  /** Why cluster.json could not be read. */
  configError?: SkiffError;
  /** The cluster process, while it runs. */
  pid?: number;
  /** The API server's address (from cluster.json). */
  url?: string;
  /** /readyz answered 200; only asked while the process runs. */
  ready: boolean;
  /** Why not ready, in a few words, when the probe was made. */
  reason?: string;
  /** How Service traffic runs ("kernel: nftables DNAT", "userspace: why"), as the running cluster recorded it. */
  serviceProxy?: string;
  /** NetworkPolicy enforcement ("enforced (nftables)" or "NOT ENFORCED: why"), while any policy isolates a pod. */
  networkPolicy?: string;
}

/** Written by engine/network/network-controller.ts (SERVICE_PROXY_FILE) when the agent reports its mode. */
function readServiceProxy(dir: string, file = 'service-proxy'): string | undefined {
  try {
    return readFileSync(join(dir, file), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function clusterStatus(dataDir: string, name: string, readyTimeoutMs: number): Promise<ClusterStatus> {
  const paths = clusterPaths(dataDir, name);
  let config: ClusterConfig | undefined;
  try {
    config = readClusterConfig(paths.config);
  } catch (err) {
    if (!(err instanceof SkiffError)) throw err;
    return { name, paths, configError: err, ready: false, pid: runningPid(paths.pid) };
  }
  const url = config ? `https://127.0.0.1:${config.port}` : undefined;
  const pid = runningPid(paths.pid);
  if (pid === undefined || !url) return { name, paths, config, pid, ready: false, url };
  let creds;
  try {
    const read = (f: string) => readFileSync(join(paths.pki, f), 'utf8');
    creds = { caCert: read(PKI_FILES.caCert), adminCert: read(PKI_FILES.adminCert), adminKey: read(PKI_FILES.adminKey) };
  } catch {
    return { name, paths, config, pid, ready: false, url, reason: 'admin credentials missing' };
  }
  const r = await probeReadyz(url, creds, readyTimeoutMs);
  return {
    name,
    paths,
    config,
    pid,
    ready: r.ready,
    reason: r.reason,
    url,
    serviceProxy: readServiceProxy(paths.dir),
    networkPolicy: readServiceProxy(paths.dir, 'network-policy'),
  };
}

/** Names of the clusters under dataDir (a valid name and a cluster.json), sorted. */
export function listClusterNames(dataDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return []; // no data dir yet: no clusters
  }
  return names.filter((n) => isClusterName(n) && existsSync(join(dataDir, n, 'cluster.json'))).sort();
}

export function isClusterName(name: string): boolean {
  try {
    checkClusterName(name);
    return true;
  } catch {
    return false;
  }
}
