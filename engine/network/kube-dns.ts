// The kube-system/kube-dns Service, so `kubectl get svc -A` shows cluster DNS where users expect
// it. It has no selector: the network agent itself answers on its IP (no endpoints, no proxy).
import type { KubeClient } from '../client/types';
import { R, isStatus } from '../client/types';

export async function ensureKubeDnsService(client: KubeClient, dnsIP: string): Promise<void> {
  try {
    await client.create(R.services, 'kube-system', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kube-dns',
        namespace: 'kube-system',
        labels: {
          'k8s-app': 'kube-dns',
          'kubernetes.io/cluster-service': 'true',
          'kubernetes.io/name': 'KubeDNS',
          'app.kubernetes.io/managed-by': 'skiff',
        },
        annotations: { 'skiff.dev/served-by': 'the network agent (engine/network)' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: dnsIP,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        ],
      },
    });
  } catch (e) {
    if (!isStatus(e, 409)) throw e;
  }
}
