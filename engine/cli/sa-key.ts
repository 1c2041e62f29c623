// `skiff sa-key rotate [--name CLUSTER] [--data-dir DIR]`: a new service-account signing key.
// The old key's public half stays in pki/sa-previous.json, so tokens it signed keep verifying
// (and the JWKS lists both) until it retires 49 h later, past the longest bound token's life;
// then they are refused. A running cluster reads its keys at start, so the rotation applies on
// its next start; the command says so.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SkiffError } from '../cluster/errors';
import { checkClusterName, clusterPaths, defaultDataDir } from '../cluster/paths';
import { isAlive, readPid } from '../cluster/pid-file';
import { SA_PREVIOUS_KEYS } from '../pki/load-or-create-pki';
import { RETIRED_KEY_KEEP_MS, rotateSigningKey } from '../pki/service-account-tokens';
import type { CliIo } from './io';

export const SA_KEY_HELP = `Usage: skiff sa-key rotate [--name CLUSTER] [--data-dir DIR]

  rotate   sign service-account tokens with a new key; tokens signed with the old one keep
           working for 49 hours (longer than any bound token lives), then are refused`;

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
  if (positional.length !== 1 || positional[0] !== 'rotate')
    throw new SkiffError(`"skiff sa-key" needs the action "rotate"`, 'run "skiff sa-key rotate"');
  const paths = clusterPaths(dataDir ?? defaultDataDir(), cluster);
  const key = join(paths.pki, 'sa.key');
  if (!existsSync(key))
    throw new SkiffError(`cluster "${cluster}" has no service-account key`, `start it once with "skiff start --name ${cluster}"`);
  rotateSigningKey(key, join(paths.pki, SA_PREVIOUS_KEYS), now);
  const retire = new Date(now.getTime() + RETIRED_KEY_KEEP_MS).toISOString().replace(/\.\d+Z$/, 'Z');
  io.out(`service-account signing key rotated for cluster "${cluster}"; tokens signed with the old key are accepted until ${retire}`);
  const pid = readPid(paths.pid);
  if (pid !== undefined && isAlive(pid))
    io.out(`the cluster is running: restart it to sign with the new key (skiff stop --name ${cluster} && skiff start --name ${cluster})`);
  return 0;
}
