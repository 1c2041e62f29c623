// Moves Services whose ClusterIP lies outside the cluster's Service CIDR into it, on start.
import type { Store } from '../store/types';
import type { StartedApiServer } from './control-plane-types';

/**
 * Services whose ClusterIP lies outside the Service CIDR (the cluster moved to its Docker
 * network's upper half) get a new IP in it, written straight to the store: `kubernetes` takes the
 * first, kube-dns the tenth. Pods keep the old IPs in their env until they restart; DNS names
 * follow at once.
 */
export async function rehomeServices(
  core: NonNullable<StartedApiServer['core']>,
  store: Store,
  serviceCIDR: string,
  log: (line: string) => void,
) {
  const { migrateServiceIPs } = await import('../apiserver/service-allocation');
  const { wellKnownServiceIP } = await import('../apimachinery/ip-cidr');
  const { objectKey } = await import('../apiserver/storage-keys');
  const moved = await migrateServiceIPs({
    store,
    allocation: core.services,
    services: (await core.resources.list(core.serviceDef, undefined)).items,
    keyOf: (s) => objectKey(core.serviceDef, s.metadata.namespace, s.metadata.name!),
    preferred: {
      'default/kubernetes': wellKnownServiceIP(serviceCIDR, 'kubernetes'),
      'kube-system/kube-dns': wellKnownServiceIP(serviceCIDR, 'dns'),
    },
  });
  for (const m of moved) log(`services: ${m.service} moved from ${m.from} to ${m.to} (Service CIDR ${serviceCIDR})`);
}
