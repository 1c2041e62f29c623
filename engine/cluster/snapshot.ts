// `skiff snapshot save|restore`: the whole datastore of a cluster to one file and back.
// etcd: a maintenance snapshot of the etcd cluster (every key, like `etcdctl snapshot save`),
// restored offline into a new member data dir. SQLite: the online backup API (by the running
// process over its control socket, or from the file of a stopped cluster), restored as the
// state.db of a cluster dir that has none. PKI is not in a snapshot (as with kubeadm, back up
// <data-dir>/<name>/pki yourself); a cluster restored without it gets a new CA on start.
import { mkdirSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { clusterPaths } from './paths';
import { readClusterConfig } from './cluster-config';
import { runningPid } from './pid-file';
import { SkiffError } from './errors';
import { DEFAULT_ETCD_ENDPOINTS } from './control-plane-types';

export interface SnapshotSaved {
  datastore: 'sqlite' | 'etcd';
  revision: number;
  file: string;
}

export async function saveSnapshot(dataDir: string, name: string, fileArg: string): Promise<SnapshotSaved> {
  const file = isAbsolute(fileArg) ? fileArg : resolve(fileArg);
  const paths = clusterPaths(dataDir, name);
  const config = readClusterConfig(paths.config);
  if (!config) throw new SkiffError(`cluster "${name}" does not exist in ${dataDir}`, 'check --name and --data-dir');
  const fail = (err: unknown): never => {
    throw new SkiffError(`cannot save a snapshot of "${name}": ${(err as Error).message}`, 'check the cluster and the file path');
  };
  if (config.datastore === 'etcd') {
    const { saveEtcdSnapshot } = await import('../store/etcd-snapshot');
    const r = await saveEtcdSnapshot(config.etcdEndpoints ?? DEFAULT_ETCD_ENDPOINTS, file).catch(fail);
    return { datastore: 'etcd', revision: r.revision, file };
  }
  if (runningPid(paths.pid) !== undefined) {
    const { requestSnapshot } = await import('./control-socket');
    const r = await requestSnapshot(paths.control, file).catch(fail);
    return { datastore: 'sqlite', revision: r.revision, file };
  }
  const { saveSqliteFile } = await import('../store/sqlite-snapshot');
  const r = await saveSqliteFile(paths.db, file).catch(fail);
  return { datastore: 'sqlite', revision: r.revision, file };
}

export interface EtcdMember {
  /** The new etcd member's data dir (made by the restore). */
  dataDir: string;
  name?: string;
  initialCluster?: string;
  initialAdvertisePeerUrls?: string;
}

export type SnapshotRestored =
  | { datastore: 'sqlite'; keys: number; revision: number; db: string }
  | { datastore: 'etcd'; member: EtcdMember };

export async function restoreSnapshot(dataDir: string, name: string, fileArg: string, etcd?: EtcdMember): Promise<SnapshotRestored> {
  const file = isAbsolute(fileArg) ? fileArg : resolve(fileArg);
  const { isSqliteFile } = await import('../store/sqlite-snapshot');
  let sqlite: boolean;
  try {
    sqlite = isSqliteFile(file);
  } catch (err) {
    throw new SkiffError(`cannot read ${file} (${(err as Error).message})`, 'pass a file made by skiff snapshot save');
  }
  if (!sqlite) {
    if (!etcd) throw new SkiffError(`${file} is an etcd snapshot`, 'pass --etcd-data-dir DIR: the restore builds a new etcd member there');
    const { restoreEtcdSnapshot } = await import('../store/etcd-snapshot');
    await restoreEtcdSnapshot({ file, ...etcd }).catch((err: Error) => {
      throw new SkiffError(`cannot restore ${file}: ${err.message}`, 'pass a new --etcd-data-dir and a file made by skiff snapshot save');
    });
    return { datastore: 'etcd', member: etcd };
  }
  if (etcd) throw new SkiffError(`${file} is a SQLite snapshot`, 'drop --etcd-data-dir (it restores into the cluster dir)');
  const paths = clusterPaths(dataDir, name);
  if (runningPid(paths.pid) !== undefined)
    throw new SkiffError(`cluster "${name}" is running`, `restore into a deleted cluster (skiff delete --name ${name}) or another --name`);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const { restoreSqliteSnapshot } = await import('../store/sqlite-snapshot');
  const r = await restoreSqliteSnapshot(file, paths.db).catch((err: Error) => {
    throw new SkiffError(
      `cannot restore ${file}: ${err.message}`,
      /already exists/.test(err.message)
        ? `delete the cluster first (skiff delete --name ${name}) or restore under another --name`
        : 'pass a file made by skiff snapshot save',
    );
  });
  return { datastore: 'sqlite', ...r, db: paths.db };
}
