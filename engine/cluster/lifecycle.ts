// Local clusters as a library (the idea of kwok's Runtime interface): start, stop, delete,
// status with readiness, and the kubeconfig, for every cluster under one data dir. The
// `skiff` commands are argument parsing and printing over it; the app calls it directly.
import { existsSync, readFileSync } from 'node:fs';
import { clusterStatus, listClusterNames, type ClusterStatus } from './cluster-status';
import type { DeleteResult } from './cluster-delete';
import { foregroundArgs, spawnCluster, type ClusterProcess, type StartHandlers, type StartOptions } from './cluster-spawn';
import { stopClusterProcess, type StopResult } from './cluster-stop';
import { userKubeconfigPath } from './kubeconfig-names';
import { clusterPaths, type ClusterPaths } from './paths';
import { runningPid } from './pid-file';

export type { ClusterStatus, DeleteResult, StopResult, StartOptions, StartHandlers, ClusterProcess };
export type { KubeconfigChoice } from './cluster-spawn';

export interface ClusterLifecycle {
  readonly dataDir: string;
  paths(name: string): ClusterPaths;
  /** Names of the clusters under the data dir. */
  list(): string[];
  /** The cluster's live process, if it runs (the pid file, checked against stale and reused pids). */
  pid(name: string): number | undefined;
  /** Exists, runs, ready (asks /readyz only while the process runs). */
  status(name: string, opts?: { readyTimeoutMs?: number }): Promise<ClusterStatus>;
  /**
   * Spawns the cluster's `skiff start --foreground` process; progress, readiness and failure
   * arrive through `on`. Throws when the data dir cannot be written.
   */
  start(name: string, opts: StartOptions, on: StartHandlers): ClusterProcess;
  /** Resolves once the process has exited; `{ stopped: false }` when it was not running. */
  stop(name: string): Promise<StopResult>;
  /**
   * Stops, then removes everything the cluster made. Entries in the kubeconfigs cluster.json
   * lists always go (Skiff wrote them); `kubeconfig: { update: true }` also cleans `file`
   * (default kubectl's), in case cluster.json is gone. `{ update: false }` touches no other file.
   */
  delete(name: string, opts: { kubeconfig: { update: false } | { update: true; file?: string } }): Promise<DeleteResult>;
  /** The cluster's own kubeconfig (YAML), or undefined before its first start. */
  kubeconfig(name: string): string | undefined;
}

export interface ClusterLifecycleDeps {
  /** Where clusters live: `<dataDir>/<name>/`. */
  dataDir: string;
  /** The environment: kubectl's default kubeconfig, and what a started cluster process gets. */
  env: Record<string, string | undefined>;
  /** The `skiff` entry a start runs (bin/skiff.mjs); needed only by start. */
  skiffBin?: string;
  /** The Node binary a start runs it with (default: this one). */
  nodePath?: string;
  /** Written into skiff.log at each start (default "skiff"). */
  logLabel?: string;
  /** Default: Docker's own (nothing when Docker does not answer). Tests pass a fake. */
  removeDockerResources?: (clusterDir: string, name: string) => Promise<string | undefined>;
  /** Stops a killed cluster's containers (default: Docker's, nothing when Docker does not answer). */
  stopContainers?: (clusterDir: string, name: string) => Promise<number>;
  /** How long a stop waits after SIGTERM, then after SIGKILL (default 20 s, 5 s). */
  stopTimeouts?: { termMs: number; killMs: number };
}

export function createClusterLifecycle(deps: ClusterLifecycleDeps): ClusterLifecycle {
  const { dataDir, env } = deps;
  const stopTimeouts = deps.stopTimeouts ?? { termMs: 20_000, killMs: 5_000 };
  // Stop and delete load on use: a start (the most common command) needs neither, nor the YAML
  // library the kubeconfig merge brings.
  const stopContainers =
    deps.stopContainers ?? (async (dir: string, name: string) => (await import('./stop-containers')).stopDockerContainers(dir, name));
  const paths = (name: string) => clusterPaths(dataDir, name);
  return {
    dataDir,
    paths,
    list: () => listClusterNames(dataDir),
    pid: (name) => runningPid(paths(name).pid),
    status: (name, opts) => clusterStatus(dataDir, name, opts?.readyTimeoutMs ?? 2000),
    start(name, opts, on) {
      if (!deps.skiffBin) throw new Error('createClusterLifecycle: start needs skiffBin');
      const p = paths(name);
      const spawnDeps = {
        skiffBin: deps.skiffBin,
        nodePath: deps.nodePath ?? process.execPath,
        env,
        logLabel: deps.logLabel ?? 'skiff',
      };
      return spawnCluster(foregroundArgs(dataDir, p, name, opts), p, spawnDeps, on);
    },
    stop: (name) => stopClusterProcess(paths(name), stopTimeouts, () => stopContainers(paths(name).dir, name)),
    async delete(name, opts) {
      const kc = opts.kubeconfig;
      const extra = kc.update ? (kc.file ?? userKubeconfigPath(env)) : undefined;
      const { deleteCluster, removeDockerResources } = await import('./cluster-delete');
      return deleteCluster(paths(name), name, extra, {
        stopTimeouts,
        removeDockerResources: deps.removeDockerResources ?? removeDockerResources,
      });
    },
    kubeconfig(name) {
      const file = paths(name).kubeconfig;
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },
  };
}
