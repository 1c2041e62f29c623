// The kubeconfig for a local cluster: one cluster, user and context, all named skiff-<name>.
import { delimiter, join } from 'node:path';
import { homedir } from 'node:os';
import { stringify } from 'yaml';

export interface KubeconfigEntries {
  cluster: { name: string; cluster: { server: string; 'certificate-authority-data': string } };
  user: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } };
  context: { name: string; context: { cluster: string; user: string } };
}

export interface KubeconfigNames {
  cluster: string;
  user: string;
  context: string;
}

export function contextName(clusterName: string): string {
  return `skiff-${clusterName}`;
}

export function entryNames(clusterName: string): KubeconfigNames {
  const n = contextName(clusterName);
  return { cluster: n, user: n, context: n };
}

export function buildKubeconfigEntries(
  clusterName: string,
  server: string,
  creds: { caCert: string; adminCert: string; adminKey: string },
): KubeconfigEntries {
  const n = entryNames(clusterName);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return {
    cluster: { name: n.cluster, cluster: { server, 'certificate-authority-data': b64(creds.caCert) } },
    user: { name: n.user, user: { 'client-certificate-data': b64(creds.adminCert), 'client-key-data': b64(creds.adminKey) } },
    context: { name: n.context, context: { cluster: n.cluster, user: n.user } },
  };
}

/** A standalone kubeconfig (YAML) holding just these entries, with their context current. */
export function kubeconfigYaml(entries: KubeconfigEntries): string {
  return stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [entries.cluster],
      users: [entries.user],
      contexts: [entries.context],
      'current-context': entries.context.name,
      preferences: {},
    },
    { lineWidth: 0, indentSeq: false },
  );
}

/** The kubeconfig kubectl would write to: the first path in $KUBECONFIG, else ~/.kube/config (as kind does). */
export function userKubeconfigPath(env: Record<string, string | undefined> = process.env): string {
  const first = (env.KUBECONFIG ?? '').split(delimiter).find((p) => p.trim() !== '');
  return first ?? join(env.HOME || homedir(), '.kube', 'config');
}
