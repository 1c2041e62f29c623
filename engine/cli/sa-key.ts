// `skiff sa-key rotate|retire [--name CLUSTER] [--data-dir DIR]`: a new service-account signing
// key. The old key's public half stays in pki/sa-previous.json, so tokens it signed keep
// verifying (and the JWKS lists both) until it retires 49 h later, past the longest bound token's
// life; then they are refused. `retire` ends that overlap now (a leaked key). A running cluster
// follows both files (pki/sa-key-watch.ts): no restart. A cluster over etcd keeps the keys in its
// store instead, shared by all its instances (cluster/sa-key-store.ts): the command changes them
// there, from any instance's data dir, and every running instance follows.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SkiffError, storeError } from '../cluster/errors';
import { readClusterConfig } from '../cluster/cluster-config';
import { DEFAULT_ETCD_ENDPOINTS } from '../cluster/control-plane-types';
import { checkClusterName, clusterPaths, defaultDataDir } from '../cluster/paths';
import { isAlive, readPid } from '../cluster/pid-file';
import { SA_PREVIOUS_KEYS } from '../pki/load-or-create-pki';
import { RETIRED_KEY_KEEP_MS, retireSigningKeys, rotateSigningKey } from '../pki/sa-key-files';
import { retireKeySet, rotateKeySet } from '../pki/sa-key-set';
import type { CliIo } from './io';

export const SA_KEY_HELP = `Usage: skiff sa-key rotate|retire [--name CLUSTER] [--data-dir DIR]

  rotate   sign service-account tokens with a new key; tokens signed with the old one keep
           working for 49 hours (longer than any bound token lives), then are refused
  retire   refuse tokens signed with earlier keys now, without waiting for the 49 hours
           (after a key leaked; pods' tokens are renewed with the new key within seconds
           of a rotation, legacy token Secrets are reissued at once)

A running cluster picks up either change within about a second; no restart. Over etcd the
keys are shared by every instance of the cluster: run it in any one instance's data dir.`;

export async function saKeyCommand(argv: string[], io: CliIo, now = new Date()): Promise<number> {
  let cluster = 'local';
  let dataDir: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-h' || argv[i] === '--help') {
      io.out(SA_KEY_HELP);
      return 0;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) {
      positional.push(argv[i]);
      continue;
    }
    if (!['name', 'cluster', 'data-dir'].includes(m[1]))
      throw new SkiffError(`unknown flag --${m[1]} for "skiff sa-key"`, 'run "skiff sa-key --help" for usage');
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new SkiffError(`--${m[1]} needs a value`, `write --${m[1]} VALUE`);
    if (m[1] === 'data-dir') dataDir = resolve(value);
    else {
      checkClusterName(value);
      cluster = value;
    }
  }
  const action = positional.length === 1 && ['rotate', 'retire'].includes(positional[0]) ? positional[0] : undefined;
  if (!action) throw new SkiffError(`"skiff sa-key" needs the action "rotate" or "retire"`, 'run "skiff sa-key rotate"');
  const paths = clusterPaths(dataDir ?? defaultDataDir(), cluster);
  const key = join(paths.pki, 'sa.key');
  if (!existsSync(key))
    throw new SkiffError(`cluster "${cluster}" has no service-account key`, `start it once with "skiff start --name ${cluster}"`);
  const retireAt = new Date(now.getTime() + RETIRED_KEY_KEEP_MS).toISOString().replace(/\.\d+Z$/, 'Z');
  const rotated = `service-account signing key rotated for cluster "${cluster}"; tokens signed with the old key are accepted until ${retireAt}`;
  const retired = (n: number) =>
    n
      ? `${n} earlier service-account key(s) of cluster "${cluster}" retired; tokens they signed are refused`
      : `cluster "${cluster}" has no earlier service-account key to retire`;
  const config = readClusterConfig(paths.config);
  if (config?.datastore === 'etcd') {
    const endpoints = config.etcdEndpoints ?? DEFAULT_ETCD_ENDPOINTS;
    const { changeClusterSigningKeys } = await import('../cluster/sa-key-store');
    let n = 0;
    await changeClusterSigningKeys({
      endpoints,
      clusterName: cluster,
      pkiDir: paths.pki,
      now,
      change: (set) => {
        if (action === 'rotate') return rotateKeySet(set, now);
        const r = retireKeySet(set, now);
        n = r.retired;
        return r.set;
      },
    }).catch((err: unknown) => storeError(err, paths.db, endpoints));
    io.out(action === 'rotate' ? rotated : retired(n));
    io.out(`every running instance of the cluster over etcd ${endpoints.join(',')} applies it within about a second; no restart needed`);
    return 0;
  }
  const previous = join(paths.pki, SA_PREVIOUS_KEYS);
  if (action === 'retire') io.out(retired(retireSigningKeys(previous, now)));
  else {
    rotateSigningKey(key, previous, now);
    io.out(rotated);
  }
  const pid = readPid(paths.pid);
  if (pid !== undefined && isAlive(pid)) io.out('the running cluster applies it within about a second; no restart needed');
  return 0;
}
