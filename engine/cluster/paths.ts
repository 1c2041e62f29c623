// Where a local cluster keeps its files: <dataDir>/<name>/{pki/,state.db,cluster.json,kubeconfig,skiff.pid,skiff.log}.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SkiffError } from './errors';

export interface ClusterPaths {
  dir: string;
  pki: string;
  db: string;
  config: string;
  kubeconfig: string;
  pid: string;
  log: string;
  /** The running cluster's control socket (SQLite snapshots). */
  control: string;
}

type Env = Record<string, string | undefined>;

/** $SKIFF_HOME, else ~/.skiff. */
export function defaultDataDir(env: Env = process.env): string {
  return env.SKIFF_HOME || join(env.HOME || homedir(), '.skiff');
}

export function clusterPaths(dataDir: string, name: string): ClusterPaths {
  checkClusterName(name);
  const dir = join(dataDir, name);
  return {
    dir,
    pki: join(dir, 'pki'),
    db: join(dir, 'state.db'),
    config: join(dir, 'cluster.json'),
    kubeconfig: join(dir, 'kubeconfig'),
    pid: join(dir, 'skiff.pid'),
    log: join(dir, 'skiff.log'),
    control: join(dir, 'control.sock'),
  };
}

// The name becomes a directory and the kubeconfig names skiff-<name>; a DNS label keeps both safe.
export function checkClusterName(name: string): void {
  if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(name)) {
    throw new SkiffError(`invalid cluster name "${name}"`, 'use lowercase letters, digits and "-" (at most 42 characters)');
  }
  // The app keeps its kubeconfig profiles in <data dir>/profiles.
  if (name === 'profiles') throw new SkiffError('"profiles" is reserved', 'pick another cluster name');
}
