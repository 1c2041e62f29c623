// Admission for Services: allocates ClusterIPs from the service CIDR and NodePorts from
// 30000-32767, keeps them across updates, and releases them when the Service is gone.
import type { KindDef, KubeObject } from '../kinds/types';
import type { Admission } from './resource-store';
import { errors } from './status';

export interface ServiceAllocationDeps {
  serviceCIDR: string;
  /** Every Service currently stored (read once, lazily). */
  listServices(): Promise<KubeObject[]>;
}

const nodePortMin = 30000;
const nodePortMax = 32767;

export function parseCidr(cidr: string): { base: number; size: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`invalid CIDR ${cidr}`);
  const base = ((+m[1] << 24) >>> 0) + (+m[2] << 16) + (+m[3] << 8) + +m[4];
  const bits = +m[5];
  const size = 2 ** (32 - bits);
  return { base: base - (base % size), size };
}

export const ipToString = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const ipToNumber = (s: string) => s.split('.').reduce((a, p) => a * 256 + Number(p), 0);

export function createServiceAllocation(deps: ServiceAllocationDeps): Admission & { kubernetesServiceIP: string } {
  const { base, size } = parseCidr(deps.serviceCIDR);
  let loaded: Promise<void> | undefined;
  const ips = new Map<number, string>(); // ip -> owner (ns/name)
  const ports = new Map<number, string>();
  let nextIp = 1;

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

  function allocateIp(who: string): string {
    for (let i = 0; i < size - 2; i++) {
      const offset = ((nextIp - 1 + i) % (size - 2)) + 1;
      if (!ips.has(base + offset)) {
        ips.set(base + offset, who);
        nextIp = offset + 1;
        return ipToString(base + offset);
      }
    }
    throw errors.internal('failed to allocate a serviceIP: range is full');
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
      throw errors.invalid('Service', '', name, [{ field: 'spec.clusterIPs[0]', reason: 'FieldValueInvalid', message: `Invalid value: []string{"${spec.clusterIP}"}: may not change once set` }]);
    }
    if (!spec.clusterIP) {
      spec.clusterIP = dryRun ? ipToString(base + nextIp) : allocateIp(who);
    } else if (spec.clusterIP !== 'None' && !old?.spec?.clusterIP) {
      const n = ipToNumber(spec.clusterIP);
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(spec.clusterIP) || n <= base || n >= base + size - 1) {
        throw errors.invalid('Service', '', name, [{ field: 'spec.clusterIPs', reason: 'FieldValueInvalid', message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${deps.serviceCIDR}` }]);
      }
      const holder = ips.get(n);
      if (holder && holder !== who) {
        throw errors.invalid('Service', '', name, [{ field: 'spec.clusterIPs', reason: 'FieldValueInvalid', message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated` }]);
      }
      if (!dryRun) ips.set(n, who);
    }
    spec.clusterIPs = [spec.clusterIP];
    const wantsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    for (const p of spec.ports ?? []) {
      const prev = old?.spec?.ports?.find((o: any) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
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
          throw errors.invalid('Service', '', name, [{ field: 'spec.ports[0].nodePort', reason: 'FieldValueInvalid', message: `Invalid value: ${p.nodePort}: provided port is already allocated` }]);
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

  return { admit, released, kubernetesServiceIP: ipToString(base + 1) };
}
