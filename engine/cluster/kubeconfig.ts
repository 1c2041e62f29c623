// The kubeconfig for a local cluster: one cluster, user and context, all named skiff-<name>.
import { stringify } from 'yaml';
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
