// A bootstrap token for `skiff join` and the join command that uses it, as `kubeadm token create
// --print-join-command` makes them (a Secret kube-system/bootstrap-token-<id>). `skiff token
// create` prints them; the app's "Add a machine" shows them.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  BOOTSTRAP_TOKEN_PREFIX,
  BOOTSTRAP_TOKEN_TYPE,
  DEFAULT_TOKEN_GROUP,
  caCertHash,
  formatBootstrapToken,
  generateBootstrapToken,
} from '../pki/bootstrap-token';
import { readClusterConfig } from './cluster-config';
import { SkiffError } from './errors';
import type { ClusterPaths } from './paths';

/** A running cluster's API as the admin (engine/cli/node-api.ts makes one from its kubeconfig). */
export interface AdminApi {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

export interface JoinToken {
  /** `<id>.<secret>` */
  token: string;
  id: string;
  /** RFC 3339, absent when the token never expires. */
  expiration?: string;
}

export const TOKEN_SECRETS_PATH = '/api/v1/namespaces/kube-system/secrets';

export const LOOPBACK_ONLY_WARNING =
  'the cluster listens on loopback only, so only this machine can join; restart it with --advertise-address <lan-ip>';

/** Creates a token valid for ttlSeconds (0: forever). */
export async function createJoinToken(api: AdminApi, ttlSeconds: number, now = Date.now()): Promise<JoinToken> {
  const t = generateBootstrapToken();
  const expiration = ttlSeconds ? new Date(now + ttlSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
  const r = await api.call('POST', TOKEN_SECRETS_PATH, {
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
  if (r.status !== 201) {
    const message = (r.body as { message?: string } | undefined)?.message;
    throw new SkiffError(`cannot create the token: ${message ?? r.status}`, 'check the cluster with skiff status');
  }
  return { token: formatBootstrapToken(t), id: t.id, ...(expiration ? { expiration } : {}) };
}

/** The `skiff join` command for a token, from the cluster's config and kubeconfig (its CA). */
export function joinCommandFor(paths: ClusterPaths, token: string): { command: string; loopbackOnly: boolean } {
  const cfg = readClusterConfig(paths.config);
  const kc = parse(readFileSync(paths.kubeconfig, 'utf8')) as { clusters: { cluster: { 'certificate-authority-data': string } }[] };
  const ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
  const host = cfg?.advertiseAddress ?? '127.0.0.1';
  return {
    command: `skiff join https://${host}:${cfg?.port ?? 6443} --token ${token} --discovery-token-ca-cert-hash ${caCertHash(ca)}`,
    loopbackOnly: !cfg?.advertiseAddress,
  };
}
