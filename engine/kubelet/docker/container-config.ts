// Turns a pod's container spec into Docker create options: command/args, env (values, field and
// resource refs, ConfigMap/Secret refs), working dir, security context, limits, volume mounts.
import type { KubeObject } from '../../kinds/types';
import type { Container, EnvVar } from '../../apimachinery/pod-types';
import type { PreparedVolume } from './volumes';
import { resolveInside } from './contained-paths';
import { parseQuantity } from '../../apimachinery/quantity';

/** Reads a ConfigMap or Secret of the pod's namespace (undefined when missing). */
export type ObjectLookup = (plural: 'configmaps' | 'secrets', namespace: string, name: string) => Promise<KubeObject | undefined>;

export function fieldValue(pod: KubeObject, path: string, hostIP: string, podIP: string): string {
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? 'default';
    case 'status.hostIP':
      return hostIP;
    case 'status.podIP':
      return podIP;
  }
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return pod.metadata[m[1] as 'labels' | 'annotations']?.[m[2]] ?? '';
  return '';
}

type ResourceFieldRef = NonNullable<NonNullable<EnvVar['valueFrom']>['resourceFieldRef']>;

function resourceValue(spec: Pick<Container, 'resources'>, ref: ResourceFieldRef): string {
  const [kind, res] = String(ref.resource ?? '').split('.');
  const set = kind === 'limits' ? spec.resources?.limits : kind === 'requests' ? spec.resources?.requests : undefined;
  const v = parseQuantity(set?.[res]) ?? (res === 'cpu' ? 2 : 8 * 1024 ** 3);
  const div = parseQuantity(ref.divisor) || 1;
  return String(Math.ceil(v / div));
}

export const decode = (o: KubeObject | undefined, plural: string, key: string): string | undefined =>
  plural === 'secrets'
    ? o?.data?.[key] !== undefined
      ? Buffer.from(o.data[key], 'base64').toString()
      : o?.stringData?.[key]
    : (o?.data?.[key] ?? (o?.binaryData?.[key] !== undefined ? Buffer.from(o.binaryData[key], 'base64').toString() : undefined));

export interface EnvInput {
  pod: KubeObject;
  spec: Pick<Container, 'env' | 'envFrom' | 'resources'>;
  hostIP: string;
  podIP: string;
  lookup?: ObjectLookup;
  /** Service variables (KUBERNETES_SERVICE_HOST, ...): the container's own env overrides them. */
  serviceEnv?: Record<string, string>;
}

/** KEY=value lines; missing non-optional refs throw (the kubelet reports CreateContainerConfigError). */
export async function buildEnv(i: EnvInput): Promise<string[]> {
  const ns = i.pod.metadata.namespace ?? 'default';
  const get = async (plural: 'configmaps' | 'secrets', name: string) => (i.lookup ? i.lookup(plural, ns, name) : undefined);
  const out = new Map<string, string>(Object.entries(i.serviceEnv ?? {}));
  for (const from of i.spec.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue; // validation requires one
    const plural = from.configMapRef ? 'configmaps' : 'secrets';
    const o = await get(plural, ref.name);
    if (!o && !ref.optional) throw new Error(`${plural === 'configmaps' ? 'configmap' : 'secret'} "${ref.name}" not found`);
    for (const k of Object.keys({ ...o?.data, ...o?.binaryData })) out.set(`${from.prefix ?? ''}${k}`, decode(o, plural, k) ?? '');
  }
  for (const e of i.spec.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) out.set(e.name, e.value ?? '');
    else if (vf.fieldRef) out.set(e.name, fieldValue(i.pod, vf.fieldRef.fieldPath, i.hostIP, i.podIP));
    else if (vf.resourceFieldRef) out.set(e.name, resourceValue(i.spec, vf.resourceFieldRef));
    else {
      const ref = vf.configMapKeyRef ?? vf.secretKeyRef;
      if (!ref) continue; // validation requires one
      const plural = vf.configMapKeyRef ? 'configmaps' : 'secrets';
      const v = decode(await get(plural, ref.name), plural, ref.key);
      if (v === undefined && !ref.optional)
        throw new Error(`couldn't find key ${ref.key} in ${plural === 'configmaps' ? 'ConfigMap' : 'Secret'} ${ns}/${ref.name}`);
      if (v !== undefined) out.set(e.name, v);
    }
  }
  return [...out].map(([k, v]) => `${k}=${v}`);
}

/** Docker HostConfig pieces for a container: binds, tmpfs, security, limits. */
export function hostConfigFor(
  spec: Pick<Container, 'volumeMounts' | 'securityContext' | 'resources'>,
  pod: KubeObject,
  vols: Map<string, PreparedVolume>,
) {
  const binds: string[] = [];
  const tmpfs: Record<string, string> = {};
  for (const m of spec.volumeMounts ?? []) {
    const v = vols.get(m.name);
    if (!v) continue;
    if (v.tmpfs) {
      tmpfs[m.mountPath] = 'rw';
      continue;
    }
    // A subPath into a ConfigMap/Secret volume names a file behind ..data: bind that
    // generation's file itself (it stays, like upstream's subPath mounts, without updates).
    // Its real path must stay inside the volume.
    const src = m.subPath ? resolveInside(v.path, m.subPath) : v.path;
    binds.push(`${src}:${m.mountPath}${m.readOnly || v.readOnly ? ':ro' : ''}`);
  }
  const sc = { ...pod.spec?.securityContext, ...spec.securityContext };
  const mem = parseQuantity(spec.resources?.limits?.memory);
  const cpu = parseQuantity(spec.resources?.limits?.cpu);
  return {
    Binds: binds,
    Tmpfs: tmpfs,
    Privileged: !!sc.privileged,
    CapAdd: sc.capabilities?.add,
    CapDrop: sc.capabilities?.drop,
    ReadonlyRootfs: !!sc.readOnlyRootFilesystem,
    ...(mem ? { Memory: Math.floor(mem) } : {}),
    ...(cpu ? { NanoCpus: Math.floor(cpu * 1e9) } : {}),
  };
}

/** Cluster DNS as the kubelet hands it to pods: the server and the cluster domain. */
export interface PodDnsSettings {
  nameserver: string;
  clusterDomain: string;
}

/**
 * Docker's Dns/DnsSearch/DnsOptions for a pod's sandbox (joined containers share its resolv.conf;
 * Docker's embedded DNS at 127.0.0.11 forwards to these servers). ClusterFirst: cluster DNS,
 * the namespace's search path, ndots:5. Default: Docker's (the host's resolvers). None: only
 * dnsConfig. dnsConfig adds to the others. hostNetwork pods keep the host's (Docker refuses DNS
 * settings there), so ClusterFirstWithHostNet is not honoured.
 */
export function sandboxDns(pod: KubeObject, dns?: PodDnsSettings): { Dns?: string[]; DnsSearch?: string[]; DnsOptions?: string[] } {
  if (pod.spec?.hostNetwork) return {};
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const cfg = pod.spec?.dnsConfig ?? {};
  let servers: string[] = [];
  let search: string[] = [];
  const options = new Map<string, string | undefined>();
  if ((policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') && dns) {
    const ns = pod.metadata.namespace ?? 'default';
    servers = [dns.nameserver];
    search = [`${ns}.svc.${dns.clusterDomain}`, `svc.${dns.clusterDomain}`, dns.clusterDomain];
    options.set('ndots', '5');
  } else if (policy !== 'None' && !cfg.nameservers?.length && !cfg.searches?.length && !cfg.options?.length) {
    return {};
  }
  servers = [...new Set([...servers, ...(cfg.nameservers ?? [])])].slice(0, 3);
  search = [...new Set([...search, ...(cfg.searches ?? [])])].slice(0, 32);
  for (const o of cfg.options ?? []) if (o?.name) options.set(o.name, o.value);
  const out: { Dns?: string[]; DnsSearch?: string[]; DnsOptions?: string[] } = {};
  if (servers.length) out.Dns = servers;
  if (search.length) out.DnsSearch = search;
  if (options.size) out.DnsOptions = [...options].map(([k, v]) => (v === undefined || v === '' ? k : `${k}:${v}`));
  return out;
}

export function userOf(spec: Pick<Container, 'securityContext'>, pod: KubeObject): string | undefined {
  const sc = { ...pod.spec?.securityContext, ...spec.securityContext };
  if (sc.runAsUser === undefined) return undefined;
  return sc.runAsGroup !== undefined ? `${sc.runAsUser}:${sc.runAsGroup}` : String(sc.runAsUser);
}
