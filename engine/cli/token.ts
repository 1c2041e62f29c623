/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-member-access -- the API's JSON answers are read as untyped JSON, as node.ts does */
// `skiff token create [--ttl 24h] [--print-join-command] | list | delete ID`: bootstrap tokens
// for `skiff join`, as `kubeadm token` makes them (Secrets kube-system/bootstrap-token-<id>).
import { resolve } from 'node:path';
import { SkiffError } from '../cluster/errors';
import { checkClusterName, clusterPaths, defaultDataDir } from '../cluster/paths';
import { BOOTSTRAP_TOKEN_PREFIX, BOOTSTRAP_TOKEN_TYPE, parseBootstrapToken } from '../pki/bootstrap-token';
import { createJoinToken, joinCommandFor, LOOPBACK_ONLY_WARNING, TOKEN_SECRETS_PATH as SECRETS } from '../cluster/join-token';
import type { CliIo } from './io';
import { nodeApiFromKubeconfig } from './node-api';

export const TOKEN_HELP = `Usage: skiff token <create [--ttl 24h] [--print-join-command]|list|delete ID> [--name CLUSTER] [--data-dir DIR]

  create        make a bootstrap token for "skiff join" (default lifetime 24h; --ttl 0 never expires)
  list          list tokens with their expiry
  delete ID     delete a token (ID or the whole id.secret): joins with it are refused from now on`;

export async function tokenCommand(argv: string[], io: CliIo): Promise<number> {
  let cluster = 'local';
  let dataDir: string | undefined;
  let ttl = 24 * 3600;
  let printJoin = false;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (argv[i] === '-h' || argv[i] === '--help') {
      io.out(TOKEN_HELP);
      return 0;
    }
    if (!m) {
      positional.push(argv[i]);
      continue;
    }
    if (m[1] === 'print-join-command') {
      printJoin = true;
      continue;
    }
    if (!['name', 'cluster', 'data-dir', 'ttl'].includes(m[1]))
      throw new SkiffError(`unknown flag --${m[1]} for "skiff token"`, 'run "skiff token --help" for usage');
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new SkiffError(`--${m[1]} needs a value`, `write --${m[1]} VALUE`);
    if (m[1] === 'ttl') ttl = parseTtl(value);
    else if (m[1] === 'data-dir') dataDir = resolve(value);
    else {
      checkClusterName(value);
      cluster = value;
    }
  }
  const [action, arg] = positional;
  const paths = clusterPaths(dataDir ?? defaultDataDir(io.env), cluster);
  const api = nodeApiFromKubeconfig(paths.kubeconfig, cluster);
  if (action === 'create') {
    const t = await createJoinToken(api, ttl);
    if (!printJoin) {
      io.out(t.token);
      return 0;
    }
    const join = joinCommandFor(paths, t.token);
    if (join.loopbackOnly) io.err(`skiff: warning: ${LOOPBACK_ONLY_WARNING}`);
    io.out(join.command);
    return 0;
  }
  if (action === 'list') {
    const r = await api.call('GET', `${SECRETS}?fieldSelector=type%3D${encodeURIComponent(BOOTSTRAP_TOKEN_TYPE)}`);
    if (r.status !== 200) throw new SkiffError(`cannot list tokens: ${r.body.message ?? r.status}`, 'check the cluster with skiff status');
    io.out(`${'TOKEN ID'.padEnd(10)}${'EXPIRES'.padEnd(24)}USAGES`);
    for (const s of r.body.items ?? []) {
      const d = (k: string) => (s.data?.[k] ? Buffer.from(s.data[k], 'base64').toString() : '');
      const usages = ['authentication', 'signing'].filter((u) => d(`usage-bootstrap-${u}`) === 'true').join(',');
      io.out(`${d('token-id').padEnd(10)}${(d('expiration') || '<forever>').padEnd(24)}${usages}`);
    }
    return 0;
  }
  if (action === 'delete') {
    if (!arg) throw new SkiffError('"skiff token delete" needs a token ID', 'write skiff token delete ID (see skiff token list)');
    const id = parseBootstrapToken(arg)?.id ?? arg;
    if (!/^[a-z0-9]{6}$/.test(id))
      throw new SkiffError(`"${arg}" is not a token ID`, 'token IDs are 6 characters of a-z and 0-9 (see skiff token list)');
    const r = await api.call('DELETE', `${SECRETS}/${BOOTSTRAP_TOKEN_PREFIX}${id}`);
    if (r.status === 404) throw new SkiffError(`no token "${id}" in cluster "${cluster}"`, 'see skiff token list');
    if (r.status !== 200)
      throw new SkiffError(`cannot delete the token: ${r.body.message ?? r.status}`, 'check the cluster with skiff status');
    io.out(`token "${id}" deleted`);
    return 0;
  }
  throw new SkiffError(action ? `unknown token action "${action}"` : 'missing token action', 'use create, list or delete');
}

/** "24h", "90m", "3600s", "1h30m" or "0" (never expires). */
export function parseTtl(v: string): number {
  if (v === '0') return 0;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
  if (!m || !v) throw new SkiffError(`invalid --ttl "${v}"`, 'write a duration such as 24h, 90m or 1h30m (0: never expires)');
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
