// Admission for Services: allocates ClusterIPs from the service CIDR and NodePorts from
// 30000-32767, keeps them across updates, and releases them when the Service is gone.
// The first 16 addresses are a static band, handed out only on request (the `kubernetes`
// Service takes the first, cluster DNS the tenth), like upstream's reserved lower band.
import type { KindDef, KubeObject } from '../kinds/types';
import { ConflictError, type Store } from '../store/types';
import type { Admission } from './resource-store';
import { errors } from './status';
import { WELL_KNOWN, ipToString, parseCidr } from '../apimachinery/ip-cidr';

export interface ServiceAllocationDeps {
  serviceCIDR: string;
  /** Every Service currently stored (read once, lazily). */
  listServices(): Promise<KubeObject[]>;
}

const nodePortMin = 30000;
const nodePortMax = 32767;
/** Offsets below this are only allocated on request (or when everything else is taken). */
const STATIC_BAND = 16;
const ipToNumber = (s: string) => s.split('.').reduce((a, p) => a * 256 + Number(p), 0);

export interface ServiceAllocation extends Admission {
  kubernetesServiceIP: string;
  serviceCIDR: string;
  /** Takes a new IP for `ns/name` (the preferred one when free); for re-homing Services. */
  reallocate(who: string, preferred?: string): Promise<string>;
}

export function createServiceAllocation(deps: ServiceAllocationDeps): ServiceAllocation {
  const { base, size } = parseCidr(deps.serviceCIDR);
  let loaded: Promise<void> | undefined;
  const ips = new Map<number, string>(); // ip -> owner (ns/name)
  const ports = new Map<number, string>();
  const band = size - 2 > STATIC_BAND * 2 ? STATIC_BAND : 1;
  let nextIp = band;

  const owner = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  const load = () =>
    (loaded ??= deps.listServices().then((svcs) => {
      for (const s of svcs) record(s);
    }));

  function record(svc: KubeObject) {
    const who = owner(svc);
    const ip = svc.spec?.clusterIP;
    if (ip && ip !== 'None') ips.set(ipToNumber(ip), who);
    for (const p of svc.spec?.ports ?? []) if (p.nodePort) ports.set(p.nodePort, who);
  }

  // Dynamic band first (from where the last allocation stopped), the static band last.
  function allocateIp(who: string): string {
    const dynamic = size - 1 - band;
    for (let i = 0; i < dynamic; i++) {
      const offset = ((nextIp - band + i) % dynamic) + band;
      if (!ips.has(base + offset)) {
        ips.set(base + offset, who);
        nextIp = offset + 1;
        return ipToString(base + offset);
      }
    }
    for (let offset = 1; offset < band; offset++) {
      if (!ips.has(base + offset)) {
        ips.set(base + offset, who);
        return ipToString(base + offset);
      }
    }
    throw errors.internal('failed to allocate a serviceIP: range is full');
  }

  async function reallocate(who: string, preferred?: string): Promise<string> {
    await load();
    for (const [ip, o] of ips) if (o === who) ips.delete(ip);
    if (preferred) {
      const n = ipToNumber(preferred);
      if (n > base && n < base + size - 1 && !ips.has(n)) {
        ips.set(n, who);
        return preferred;
      }
    }
    return allocateIp(who);
  }

  function allocatePort(who: string): number {
    const span = nodePortMax - nodePortMin + 1;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const port = nodePortMin + ((start + i) % span);
      if (!ports.has(port)) {
        ports.set(port, who);
        return port;
      }
    }
    throw errors.internal('failed to allocate a nodePort: range is full');
  }

  async function admit(def: KindDef, svc: KubeObject, old: KubeObject | undefined, dryRun: boolean) {
    if (def.kind !== 'Service' || def.group) return;
    await load();
    const spec = (svc.spec ??= {});
    const who = owner(svc);
    const name = svc.metadata.name ?? '';
    if (spec.type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
      return;
    }
    if (old && !spec.clusterIP && old.spec?.clusterIP) spec.clusterIP = old.spec.clusterIP;
    if (old && old.spec?.clusterIP && spec.clusterIP !== old.spec.clusterIP && old.spec.type !== 'ExternalName') {
      throw errors.invalid('Service', '', name, [
        {
          field: 'spec.clusterIPs[0]',
          reason: 'FieldValueInvalid',
          message: `Invalid value: []string{"${spec.clusterIP}"}: may not change once set`,
        },
      ]);
    }
    if (!spec.clusterIP) {
      spec.clusterIP = dryRun ? ipToString(base + Math.max(nextIp, band)) : allocateIp(who);
    } else if (spec.clusterIP !== 'None' && !old?.spec?.clusterIP) {
      const n = ipToNumber(spec.clusterIP);
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(spec.clusterIP) || n <= base || n >= base + size - 1) {
        throw errors.invalid('Service', '', name, [
          {
            field: 'spec.clusterIPs',
            reason: 'FieldValueInvalid',
            message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${deps.serviceCIDR}`,
          },
        ]);
      }
      const holder = ips.get(n);
      if (holder && holder !== who) {
        throw errors.invalid('Service', '', name, [
          {
            field: 'spec.clusterIPs',
            reason: 'FieldValueInvalid',
            message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`,
          },
        ]);
      }
      if (!dryRun) ips.set(n, who);
    }
    spec.clusterIPs = [spec.clusterIP];
    const wantsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    for (const p of spec.ports ?? []) {
      const prev = old?.spec?.ports?.find(
        (o: { port: number; protocol?: string }) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'),
      );
      if (!wantsNodePorts) {
        delete p.nodePort;
        continue;
      }
      if (!p.nodePort && prev?.nodePort) p.nodePort = prev.nodePort;
      if (!p.nodePort) {
        p.nodePort = dryRun ? nodePortMin : allocatePort(who);
      } else if (p.nodePort !== prev?.nodePort) {
        const holder = ports.get(p.nodePort);
        if (p.nodePort < nodePortMin || p.nodePort > nodePortMax || (holder && holder !== who)) {
          throw errors.invalid('Service', '', name, [
            {
              field: 'spec.ports[0].nodePort',
              reason: 'FieldValueInvalid',
              message: `Invalid value: ${p.nodePort}: provided port is already allocated`,
            },
          ]);
        }
        if (!dryRun) ports.set(p.nodePort, who);
      }
    }
  }

  function released(def: KindDef, svc: KubeObject) {
    if (def.kind !== 'Service' || def.group) return;
    const who = owner(svc);
    for (const [ip, o] of ips) if (o === who) ips.delete(ip);
    for (const [port, o] of ports) if (o === who) ports.delete(port);
  }

  const appliesTo = (def: KindDef) => def.kind === 'Service' && !def.group;
  return {
    appliesTo,
    admit,
    released,
    reallocate,
    kubernetesServiceIP: ipToString(base + WELL_KNOWN.kubernetes),
    serviceCIDR: deps.serviceCIDR,
  };
}

/**
 * Moves Services whose ClusterIP lies outside the CIDR (the cluster moved to a per-network
 * Service CIDR) into it, writing the store directly: a ClusterIP may not change through the API.
 * `preferred` maps ns/name to a wanted IP (kubernetes → first, kube-dns → tenth). Returns what moved.
 */
export async function migrateServiceIPs(o: {
  store: Store;
  allocation: ServiceAllocation;
  services: KubeObject[];
  keyOf(svc: KubeObject): string;
  preferred?: Record<string, string>;
}): Promise<{ service: string; from: string; to: string }[]> {
  const { base, size } = parseCidr(o.allocation.serviceCIDR);
  const inRange = (ip: string) => /^\d+\.\d+\.\d+\.\d+$/.test(ip) && ipToNumber(ip) > base && ipToNumber(ip) < base + size - 1;
  const moved: { service: string; from: string; to: string }[] = [];
  for (const svc of o.services) {
    const ip: string | undefined = svc.spec?.clusterIP;
    const who = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const want = o.preferred?.[who];
    if (!ip || ip === 'None' || (inRange(ip) && (!want || want === ip))) continue;
    const to = await o.allocation.reallocate(who, want);
    for (let attempt = 0; attempt < 5; attempt++) {
      const kv = await o.store.get(o.keyOf(svc));
      if (!kv) break;
      const stored = JSON.parse(kv.value);
      stored.spec = { ...stored.spec, clusterIP: to, clusterIPs: [to] };
      try {
        await o.store.update(kv.key, JSON.stringify(stored), kv.modRevision);
        moved.push({ service: who, from: ip, to });
        break;
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
      }
    }
  }
  return moved;
}
