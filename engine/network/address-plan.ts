// The address plan of a Docker-backed cluster: its Docker network X.Y.0.0/16 hands pods the lower
// half (--ip-range X.Y.0.0/17); the upper half is the Service CIDR, so every ClusterIP is on-link
// for every pod and the network agent only has to hold it as an address (no routes, no NAT).
import { ipToString, parseCidr, wellKnownServiceIP } from '../apimachinery/ip-cidr';

export interface AddressPlan {
  /** The Docker network's subnet, X.Y.0.0/16. */
  subnet: string;
  /** Where Docker allocates pod (and agent) IPs: X.Y.0.0/17. */
  podRange: string;
  /** The API server's Service CIDR: X.Y.128.0/17. */
  serviceCIDR: string;
  /** The `kubernetes` Service's IP (first of the Service CIDR). */
  kubernetesIP: string;
  /** Cluster DNS (the kube-dns Service's IP, the agent's DNS server). */
  dnsIP: string;
}

export const CLUSTER_DOMAIN = 'cluster.local';
/** Simulated-only clusters keep Kubernetes' usual default. */
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

/** Plans a /16 subnet (as Docker reports it); throws on anything else. */
export function planFromSubnet(subnet: string): AddressPlan {
  const { base, size } = parseCidr(subnet);
  if (size !== 65536)
    throw new Error(
      `the cluster network's subnet ${subnet} is not a /16; remove the network (docker network rm) so Skiff can create it again`,
    );
  const half = base + 32768;
  const serviceCIDR = `${ipToString(half)}/17`;
  return {
    subnet: `${ipToString(base)}/16`,
    podRange: `${ipToString(base)}/17`,
    serviceCIDR,
    kubernetesIP: wellKnownServiceIP(serviceCIDR, 'kubernetes'),
    dnsIP: wellKnownServiceIP(serviceCIDR, 'dns'),
  };
}

/** Whether `ip` lies inside `cidr`. */
export function inCidr(ip: string, cidr: string): boolean {
  const { base, size } = parseCidr(cidr);
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return false;
  const n = ((+m[1] << 24) >>> 0) + (+m[2] << 16) + (+m[3] << 8) + +m[4];
  return n >= base && n < base + size;
}
