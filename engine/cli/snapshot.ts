// `skiff snapshot save FILE | restore FILE`: a cluster's whole datastore to a file and back
// (engine/cluster/snapshot.ts does the work; this parses and prints).
import { resolve } from 'node:path';
import { SkiffError } from '../cluster/errors';
import { checkClusterName, defaultDataDir } from '../cluster/paths';
import type { EtcdMember } from '../cluster/snapshot';
import type { CliIo } from './io';

export const SNAPSHOT_HELP = `Usage: skiff snapshot <save FILE|restore FILE> [--name CLUSTER] [--data-dir DIR]

  save FILE      write every object of the cluster to FILE (the cluster may run): an etcd
                 snapshot (etcd datastore) or a SQLite backup (SQLite datastore)
  restore FILE   SQLite: make FILE the store of a cluster that has none (after skiff delete,
                 or under a new --name), then skiff start it.
                 etcd (offline, as etcdctl snapshot restore): build a new etcd member data dir
                 --etcd-data-dir DIR [--etcd-name NAME] [--etcd-initial-cluster NAME=URL,...]
                 [--etcd-initial-advertise-peer-urls URL]; start etcd on it, then skiff start
  The cluster's pki/ is not in a snapshot: back it up yourself to keep the same CA.`;

const FLAGS = ['name', 'data-dir', 'etcd-data-dir', 'etcd-name', 'etcd-initial-cluster', 'etcd-initial-advertise-peer-urls'];

export async function snapshotCommand(argv: string[], io: CliIo): Promise<number> {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      io.out(SNAPSHOT_HELP);
      return 0;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      positional.push(arg);
      continue;
    }
    if (!FLAGS.includes(m[1])) throw new SkiffError(`unknown flag --${m[1]} for "skiff snapshot"`, 'run "skiff snapshot --help" for usage');
    const value = m[2] ?? argv[++i];
    if (!value || value.startsWith('--')) throw new SkiffError(`--${m[1]} needs a value`, `write --${m[1]} VALUE`);
    if (flags.has(m[1])) throw new SkiffError(`--${m[1]} given twice`, 'pass it once');
    flags.set(m[1], value);
  }
  const [action, file, extra] = positional;
  if (action !== 'save' && action !== 'restore')
    throw new SkiffError(action ? `unknown snapshot action "${action}"` : 'missing snapshot action', 'use save FILE or restore FILE');
  if (!file) throw new SkiffError(`"skiff snapshot ${action}" needs a file`, `write skiff snapshot ${action} FILE`);
  if (extra) throw new SkiffError(`unexpected argument "${extra}"`, 'give one file');
  const name = flags.get('name') ?? 'local';
  checkClusterName(name);
  const dataDir = flags.has('data-dir') ? resolve(flags.get('data-dir')!) : defaultDataDir(io.env);
  const etcdFlags = [...flags.keys()].filter((f) => f.startsWith('etcd-'));
  const { saveSnapshot, restoreSnapshot } = await import('../cluster/snapshot');
  if (action === 'save') {
    if (etcdFlags.length) throw new SkiffError(`--${etcdFlags[0]} is for restore`, 'drop it');
    const r = await saveSnapshot(dataDir, name, file);
    io.out(`Saved ${r.datastore} snapshot of cluster "${name}" at revision ${r.revision} to ${r.file}`);
    return 0;
  }
  let member: EtcdMember | undefined;
  if (etcdFlags.length) {
    if (!flags.has('etcd-data-dir')) throw new SkiffError('an etcd restore needs --etcd-data-dir DIR', 'name the new member dir');
    member = {
      dataDir: resolve(flags.get('etcd-data-dir')!),
      name: flags.get('etcd-name'),
      initialCluster: flags.get('etcd-initial-cluster'),
      initialAdvertisePeerUrls: flags.get('etcd-initial-advertise-peer-urls'),
    };
  }
  const r = await restoreSnapshot(dataDir, name, file, member);
  if (r.datastore === 'sqlite') {
    io.out(`Restored ${r.keys} objects (revision ${r.revision}) into ${r.db}`);
    io.out(`Start it: skiff start${name === 'local' ? '' : ` --name ${name}`}`);
  } else {
    io.out(`Built etcd member data dir ${r.member.dataDir} from ${file}`);
    io.out(`Start etcd on it (etcd --data-dir ${r.member.dataDir}${r.member.name ? ` --name ${r.member.name}` : ''} ...),`);
    io.out(`then: skiff start${name === 'local' ? '' : ` --name ${name}`} --datastore etcd --etcd-endpoints URL`);
  }
  return 0;
}
