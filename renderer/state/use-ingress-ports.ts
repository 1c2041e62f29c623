// The built-in ingress's ports of the selected profile's local cluster (undefined for any
// other profile): Ingress and HTTPRoute links use them.
import type { IngressPorts } from '../k8s/app-urls';
import { localProfile } from './host-slice';
import { useApp } from './services';

export function useIngressPorts(): IngressPorts | undefined {
  return useApp((s) => Object.values(s.clusters).find((c) => localProfile(c) === s.profile)?.ingress);
}
