// What the data dir says about local clusters: which exist (a dir with cluster.json) and
// whether each runs (live pid file) and answers /readyz — the same checks `skiff status` makes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readClusterConfig, type ClusterConfig } from '../../../engine/cluster/cluster-config';
import { checkClusterName, clusterPaths } from '../../../engine/cluster/paths';
import { runningPid } from '../../../engine/cli/pid-file';
import { probeReadyz } from '../../../engine/cli/readyz';
import { PKI_FILES } from '../../../engine/pki/load-or-create-pki';

/** Names of the clusters under dataDir (a valid name and a cluster.json). */
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

export interface ProbeResult {
  config?: ClusterConfig;
  /** Why cluster.json could not be read. */
  configError?: string;
  pid?: number;
  ready: boolean;
  reason?: string;
  url?: string;
}

export async function probeCluster(dataDir: string, name: string, timeoutMs = 1500): Promise<ProbeResult> {
  const paths = clusterPaths(dataDir, name);
  let config: ClusterConfig | undefined;
  try {
    config = readClusterConfig(paths.config);
  } catch (err) {
    return { configError: (err as Error).message, ready: false, pid: runningPid(paths.pid) };
  }
  const url = config ? `https://127.0.0.1:${config.port}` : undefined;
  const pid = runningPid(paths.pid);
  if (pid === undefined || !url) return { config, pid, ready: false, url };
  let creds;
  try {
    const read = (f: string) => readFileSync(join(paths.pki, f), 'utf8');
    creds = { caCert: read(PKI_FILES.caCert), adminCert: read(PKI_FILES.adminCert), adminKey: read(PKI_FILES.adminKey) };
  } catch {
    return { config, pid, ready: false, url, reason: 'admin credentials missing' };
  }
  const r = await probeReadyz(url, creds, timeoutMs);
  return { config, pid, ready: r.ready, reason: r.reason, url };
}
