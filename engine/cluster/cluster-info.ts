/* eslint-disable @typescript-eslint/no-unsafe-member-access -- stored objects' spec/status are untyped JSON */
// kube-public/cluster-info, as `kubeadm init` publishes it: a kubeconfig naming the API
// server's address (the advertised one) and the cluster CA, with no credentials. A joining
// machine reads it anonymously and trusts it only once the bootstrap signer's JWS for its
// token verifies and the CA matches the hash it was given (engine/pki/bootstrap-token.ts).
import { R, isStatus, type KubeClient } from '../client/types';
import { CLUSTER_INFO } from '../pki/bootstrap-token';

/**
 * The kubeconfig cluster-info holds. Fixed in shape, so written without the YAML library (it is
 * published on the start's way to "ready"): each value a JSON string, which YAML reads as a
 * double-quoted scalar.
 */
export function clusterInfoKubeconfig(server: string, caCert: string): string {
  const q = (v: string) => JSON.stringify(v);
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${q(Buffer.from(caCert).toString('base64'))}`,
    `    server: ${q(server)}`,
    `  name: ""`,
    'contexts: null',
    'current-context: ""',
    'kind: Config',
    'preferences: {}',
    'users: null',
    '',
  ].join('\n');
}

/** Creates cluster-info, or rewrites its kubeconfig when the address or CA changed (the signer re-signs). */
export async function publishClusterInfo(client: KubeClient, server: string, caCert: string): Promise<void> {
  const kubeconfig = clusterInfoKubeconfig(server, caCert);
  const { namespace, name, kubeconfigKey } = CLUSTER_INFO;
  try {
    const cm = await client.get(R.configmaps, namespace, name);
    if (cm.data?.[kubeconfigKey] === kubeconfig) return;
    await client.update(R.configmaps, namespace, { ...cm, data: { [kubeconfigKey]: kubeconfig } });
  } catch (e) {
    if (!isStatus(e, 404)) throw e;
    await client.create(R.configmaps, namespace, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace },
      data: { [kubeconfigKey]: kubeconfig },
    });
  }
}
