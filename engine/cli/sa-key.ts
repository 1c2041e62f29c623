// `skiff sa-key rotate|retire [--name CLUSTER] [--data-dir DIR]`: a new service-account signing
// key. The old key's public half stays in pki/sa-previous.json, so tokens it signed keep
// verifying (and the JWKS lists both) until it retires 49 h later, past the longest bound token's
// life; then they are refused. `retire` ends that overlap now (a leaked key). A running cluster
// follows both files (pki/sa-key-watch.ts): no restart.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SkiffError } from '../cluster/errors';
import { checkClusterName, clusterPaths, defaultDataDir } from '../cluster/paths';
import { isAlive, readPid } from '../cluster/pid-file';
import { SA_PREVIOUS_KEYS } from '../pki/load-or-create-pki';
import { RETIRED_KEY_KEEP_MS, retireSigningKeys, rotateSigningKey } from '../pki/sa-key-files';
import type { CliIo } from './io';

export const SA_KEY_HELP = `Usage: skiff sa-key rotate|retire [--name CLUSTER] [--data-dir DIR]

  rotate   sign service-account tokens with a new key; tokens signed with the old one keep
           working for 49 hours (longer than any bound token lives), then are refused
  retire   refuse tokens signed with earlier keys now, without waiting for the 49 hours
           (after a key leaked; pods' tokens are renewed with the new key within seconds
           of a rotation, legacy token Secrets are reissued at once)

A running cluster picks up either change within about a second; no restart.`;

export function saKeyCommand(argv: string[], io: CliIo, now = new Date()): number {
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
  const previous = join(paths.pki, SA_PREVIOUS_KEYS);
  if (action === 'retire') {
    const n = retireSigningKeys(previous, now);
    io.out(
      n
        ? `${n} earlier service-account key(s) of cluster "${cluster}" retired; tokens they signed are refused`
        : `cluster "${cluster}" has no earlier service-account key to retire`,
    );
  } else {
    rotateSigningKey(key, previous, now);
    const retire = new Date(now.getTime() + RETIRED_KEY_KEEP_MS).toISOString().replace(/\.\d+Z$/, 'Z');
    io.out(`service-account signing key rotated for cluster "${cluster}"; tokens signed with the old key are accepted until ${retire}`);
  }
  const pid = readPid(paths.pid);
  if (pid !== undefined && isAlive(pid)) io.out('the running cluster applies it within about a second; no restart needed');
  return 0;
}
