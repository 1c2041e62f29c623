// `skiff stop`, `status`, `delete` and `kubeconfig`: everything that acts on an existing cluster.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { readClusterConfig } from '../cluster/cluster-config';
import { SkiffError } from '../cluster/errors';
import { entryNames, userKubeconfigPath } from '../cluster/kubeconfig';
import { removeFromUserKubeconfig } from '../cluster/kubeconfig-merge';
import { clusterPaths, defaultDataDir, type ClusterPaths } from '../cluster/paths';
import { PKI_FILES } from '../pki/load-or-create-pki';
import { DEFAULT_ETCD_ENDPOINTS } from '../cluster/control-plane';
import { etcdPrefix, wipeEtcdCluster } from '../cluster/wipe-etcd';
import type { Flags } from './args';
import type { CliIo } from './io';
import { readPid, runningPid, waitForExit } from './pid-file';
import { probeReadyz } from './readyz';
import { nameFlag } from './usage';

const TERM_TIMEOUT_MS = 20_000;
const KILL_TIMEOUT_MS = 5_000;

function pathsFor(flags: Flags, io: CliIo): ClusterPaths {
  return clusterPaths(flags.dataDir ?? defaultDataDir(io.env), flags.name);
}

export async function stopCommand(flags: Flags, io: CliIo): Promise<number> {
  const paths = pathsFor(flags, io);
  const stopped = await stopProcess(paths);
  io.out(stopped ? `Cluster "${flags.name}" stopped.` : `Cluster "${flags.name}" is not running.`);
  return 0;
}

/** SIGTERM, then SIGKILL if it lingers. Returns false when nothing was running. */
async function stopProcess(paths: ClusterPaths): Promise<boolean> {
  const pid = runningPid(paths.pid);
  if (pid === undefined) {
    rmSync(paths.pid, { force: true }); // stale
    return false;
  }
  signal(pid, 'SIGTERM');
  if (!(await waitForExit(pid, TERM_TIMEOUT_MS))) {
    signal(pid, 'SIGKILL');
    if (!(await waitForExit(pid, KILL_TIMEOUT_MS))) {
      throw new SkiffError(`cluster process ${pid} did not exit`, `kill it by hand (kill -9 ${pid})`);
    }
  }
  // The process removes its own pid file on a clean stop; not after SIGKILL.
  if (readPid(paths.pid) === pid) rmSync(paths.pid, { force: true });
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPERM') {
      throw new SkiffError(`not allowed to stop cluster process ${pid}`, 'run skiff stop as the user that started it');
    }
  }
}

export async function statusCommand(flags: Flags, io: CliIo): Promise<number> {
  const paths = pathsFor(flags, io);
  const config = readClusterConfig(paths.config);
  if (!config) {
    io.out(`Cluster "${flags.name}": does not exist (no ${paths.config}).`);
    return 1;
  }
  const pid = runningPid(paths.pid);
  const url = `https://127.0.0.1:${config.port}`;
  io.out(`Cluster "${flags.name}": ${pid === undefined ? 'stopped' : `running (pid ${pid})`}`);
  io.out(`  url:        ${url}`);
  io.out(`  datastore:  ${config.datastore === 'etcd' ? `etcd ${(config.etcdEndpoints ?? []).join(',')}` : `sqlite ${paths.db}`}`);
  io.out(`  kubeconfig: ${paths.kubeconfig}`);
  if (pid === undefined) return 1;
  const read = (f: string) => readFileSync(`${paths.pki}/${f}`, 'utf8');
  let creds;
  try {
    creds = { caCert: read(PKI_FILES.caCert), adminCert: read(PKI_FILES.adminCert), adminKey: read(PKI_FILES.adminKey) };
  } catch {
    io.out('  ready:      no (admin credentials missing)');
    return 1;
  }
  const r = await probeReadyz(url, creds);
  io.out(`  ready:      ${r.ready ? 'yes' : `no (${r.reason})`}`);
  return r.ready ? 0 : 1;
}

export async function deleteCommand(flags: Flags, io: CliIo): Promise<number> {
  const paths = pathsFor(flags, io);
  const exists = existsSync(paths.dir);
  const config = exists ? readClusterConfig(paths.config) : undefined;
  if (exists) await stopProcess(paths);
  // Clean every kubeconfig we wrote to, plus the current default in case cluster.json is gone.
  const files = new Set([...(config?.kubeconfigs ?? []), userKubeconfigPath(io.env)]);
  for (const file of files) {
    const r = removeFromUserKubeconfig(file, entryNames(flags.name));
    if (r.written) io.out(`Removed context "${entryNames(flags.name).context}" from ${file} (backup: ${r.backup}).`);
  }
  if (!exists) {
    io.out(`Cluster "${flags.name}" does not exist; nothing else to delete.`);
    return 0;
  }
  if (config?.datastore === 'etcd') {
    const endpoints = config.etcdEndpoints ?? DEFAULT_ETCD_ENDPOINTS;
    try {
      const n = await wipeEtcdCluster(endpoints, flags.name);
      io.out(`Removed ${n} keys under ${etcdPrefix(flags.name)} from etcd.`);
    } catch (err) {
      // The local files still go: a dead etcd must not make a cluster undeletable.
      io.err(
        `skiff: warning: could not remove keys under ${etcdPrefix(flags.name)} from etcd at ${endpoints.join(',')} (${String((err as Error).message).split('\n')[0]}); remove them with etcdctl del --prefix ${etcdPrefix(flags.name)}/`,
      );
    }
  }
  await removeDockerResources(paths.dir, flags.name, io);
  rmSync(paths.dir, { recursive: true, force: true });
  io.out(`Cluster "${flags.name}" deleted (${paths.dir}).`);
  return 0;
}

export function kubeconfigCommand(flags: Flags, io: CliIo): number {
  const paths = pathsFor(flags, io);
  if (!existsSync(paths.kubeconfig)) {
    throw new SkiffError(`cluster "${flags.name}" has no kubeconfig yet`, `start it with "skiff start${nameFlag(flags.name)}"`);
  }
  io.out(readFileSync(paths.kubeconfig, 'utf8').trimEnd());
  return 0;
}

/** Containers and the network the cluster's Docker nodes made; nothing to do without Docker. */
async function removeDockerResources(clusterDir: string, name: string, io: CliIo): Promise<void> {
  const { dockerReachable } = await import('../cluster/node-runtime');
  if (!(await dockerReachable()).ok) return;
  let label = `skiff.cluster=${name}`;
  try {
    const { default: Docker } = await import('dockerode');
    const { removeClusterResources } = await import('../docker/network');
    const { loadClusterRef } = await import('../cluster/cluster-id');
    const ref = loadClusterRef(clusterDir, name, { create: false });
    if (!ref.legacy) label = `skiff.cluster-uid=${ref.uid}`;
    await removeClusterResources(new Docker(), ref);
  } catch (err) {
    io.err(
      `skiff: warning: could not remove the cluster's Docker containers (${String((err as Error).message).split('\n')[0]}); remove them with: docker rm -f $(docker ps -aq --filter label=${label})`,
    );
  }
}
