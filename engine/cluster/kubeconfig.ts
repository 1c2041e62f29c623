// The kubeconfig for a local cluster: one cluster, user and context, all named skiff-<name>.
import { entryNames } from './kubeconfig-names';

export { contextName, entryNames, userKubeconfigPath, type KubeconfigNames } from './kubeconfig-names';

export interface KubeconfigEntries {
  cluster: { name: string; cluster: { server: string; 'certificate-authority-data': string } };
  user: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } };
  context: { name: string; context: { cluster: string; user: string } };
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

/**
 * A standalone kubeconfig (YAML) holding just these entries, with their context current. Its
 * shape is fixed, so it is written without a YAML library (slow to load, and the start writes
 * this file as soon as the API server answers): every value is a JSON string, which YAML reads
 * as a double-quoted scalar.
 */
export function kubeconfigYaml(entries: KubeconfigEntries): string {
  const q = (v: string) => JSON.stringify(v);
  const { cluster, user, context } = entries;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(cluster.name)}`,
    '  cluster:',
    `    server: ${q(cluster.cluster.server)}`,
    `    certificate-authority-data: ${q(cluster.cluster['certificate-authority-data'])}`,
    'users:',
    `- name: ${q(user.name)}`,
    '  user:',
    `    client-certificate-data: ${q(user.user['client-certificate-data'])}`,
    `    client-key-data: ${q(user.user['client-key-data'])}`,
    'contexts:',
    `- name: ${q(context.name)}`,
    '  context:',
    `    cluster: ${q(context.context.cluster)}`,
    `    user: ${q(context.context.user)}`,
    `current-context: ${q(context.name)}`,
    'preferences: {}',
    '',
  ].join('\n');
}
