/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-member-access -- the API's JSON answers are read as untyped JSON, as node.ts does */
// `skiff token create [--ttl 24h] [--print-join-command] | list | delete ID`: bootstrap tokens
// for `skiff join`, as `kubeadm token` makes them (Secrets kube-system/bootstrap-token-<id>).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { SkiffError } from '../cluster/errors';
import { checkClusterName, clusterPaths, defaultDataDir } from '../cluster/paths';
import { readClusterConfig } from '../cluster/cluster-config';
import {
  BOOTSTRAP_TOKEN_PREFIX,
  BOOTSTRAP_TOKEN_TYPE,
  DEFAULT_TOKEN_GROUP,
  caCertHash,
  formatBootstrapToken,
  generateBootstrapToken,
  parseBootstrapToken,
} from '../pki/bootstrap-token';
import type { CliIo } from './io';
import { nodeApiFromKubeconfig } from './node-api';

export const TOKEN_HELP = `Usage: skiff token <create [--ttl 24h] [--print-join-command]|list|delete ID> [--name CLUSTER] [--data-dir DIR]

  create        make a bootstrap token for "skiff join" (default lifetime 24h; --ttl 0 never expires)
  list          list tokens with their expiry
  delete ID     delete a token (ID or the whole id.secret): joins with it are refused from now on`;

const SECRETS = '/api/v1/namespaces/kube-system/secrets';

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
    const t = generateBootstrapToken();
    const expiration = ttl ? new Date(Date.now() + ttl * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
    const r = await api.call('POST', SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: BOOTSTRAP_TOKEN_PREFIX + t.id, namespace: 'kube-system' },
      type: BOOTSTRAP_TOKEN_TYPE,
      stringData: {
        description: 'made by skiff token create',
        'token-id': t.id,
        'token-secret': t.secret,
        ...(expiration ? { expiration } : {}),
        'usage-bootstrap-authentication': 'true',
        'usage-bootstrap-signing': 'true',
        'auth-extra-groups': DEFAULT_TOKEN_GROUP,
      },
    });
    if (r.status !== 201)
      throw new SkiffError(`cannot create the token: ${r.body?.message ?? r.status}`, 'check the cluster with skiff status');
    if (!printJoin) {
      io.out(formatBootstrapToken(t));
      return 0;
    }
    const cfg = readClusterConfig(paths.config);
    const kc = parse(readFileSync(paths.kubeconfig, 'utf8')) as { clusters: { cluster: { 'certificate-authority-data': string } }[] };
    const ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
    const host = cfg?.advertiseAddress ?? '127.0.0.1';
    if (!cfg?.advertiseAddress)
      io.err(
        'skiff: warning: the cluster listens on loopback only, so only this machine can join; restart it with --advertise-address <lan-ip>',
      );
    io.out(
      `skiff join https://${host}:${cfg?.port ?? 6443} --token ${formatBootstrapToken(t)} --discovery-token-ca-cert-hash ${caCertHash(ca)}`,
    );
    return 0;
  }
  if (action === 'list') {
    const r = await api.call('GET', `${SECRETS}?fieldSelector=type%3D${encodeURIComponent(BOOTSTRAP_TOKEN_TYPE)}`);
    if (r.status !== 200) throw new SkiffError(`cannot list tokens: ${r.body?.message ?? r.status}`, 'check the cluster with skiff status');
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
      throw new SkiffError(`cannot delete the token: ${r.body?.message ?? r.status}`, 'check the cluster with skiff status');
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
