// Turns a pod's container spec into Docker create options: command/args, env (values, field and
// resource refs, ConfigMap/Secret refs), working dir, security context, limits, volume mounts.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import type { KubeObject } from '../../kinds/types';

/** Reads a ConfigMap or Secret of the pod's namespace (undefined when missing). */
export type ObjectLookup = (plural: 'configmaps' | 'secrets', namespace: string, name: string) => Promise<KubeObject | undefined>;

const QUANTITY: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9, T: 1e12, m: 1e-3 };

export function parseQuantity(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q));
  if (!m) return undefined;
  return Number(m[1]) * (m[2] ? QUANTITY[m[2]] ?? 1 : 1);
}

function fieldValue(pod: KubeObject, path: string, hostIP: string, podIP: string): string {
  switch (path) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? '';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? 'default';
    case 'status.hostIP': return hostIP;
    case 'status.podIP': return podIP;
  }
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (pod.metadata as any)[m[1]]?.[m[2]] ?? '';
  return '';
}

function resourceValue(spec: any, ref: any): string {
  const [kind, res] = String(ref.resource ?? '').split('.');
  const v = parseQuantity(spec.resources?.[kind]?.[res]) ?? (res === 'cpu' ? 2 : 8 * 1024 ** 3);
  const div = parseQuantity(ref.divisor) || 1;
  return String(Math.ceil(v / div));
}

const decode = (o: KubeObject | undefined, plural: string, key: string): string | undefined =>
  plural === 'secrets'
    ? (o?.data?.[key] !== undefined ? Buffer.from(o.data[key], 'base64').toString() : o?.stringData?.[key])
    : o?.data?.[key] ?? (o?.binaryData?.[key] !== undefined ? Buffer.from(o.binaryData[key], 'base64').toString() : undefined);

export interface EnvInput { pod: KubeObject; spec: any; hostIP: string; podIP: string; lookup?: ObjectLookup }

/** KEY=value lines; missing non-optional refs throw (the kubelet reports CreateContainerConfigError). */
export async function buildEnv(i: EnvInput): Promise<string[]> {
  const ns = i.pod.metadata.namespace ?? 'default';
  const get = async (plural: 'configmaps' | 'secrets', name: string) => (i.lookup ? i.lookup(plural, ns, name) : undefined);
  const out = new Map<string, string>();
  for (const from of i.spec.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
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
      const plural = vf.configMapKeyRef ? 'configmaps' : 'secrets';
      const v = decode(await get(plural, ref.name), plural, ref.key);
      if (v === undefined && !ref.optional) throw new Error(`couldn't find key ${ref.key} in ${plural === 'configmaps' ? 'ConfigMap' : 'Secret'} ${ns}/${ref.name}`);
      if (v !== undefined) out.set(e.name, v);
    }
  }
  return [...out].map(([k, v]) => `${k}=${v}`);
}

function writeFiles(dir: string, files: Record<string, string | Buffer>, items?: { key: string; path: string }[]) {
  mkdirSync(dir, { recursive: true });
  const pick = items?.length ? items.map((it) => [it.path, files[it.key]] as const) : Object.entries(files);
  for (const [p, v] of pick) {
    if (v === undefined) continue;
    const f = join(dir, p);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, v);
  }
}

export interface VolumeInput {
  pod: KubeObject;
  /** Per-pod directory on the host (volumes live under it). */
  podDir: string;
  lookup?: ObjectLookup;
  /** Service-account token for projected/SA volumes, and the cluster CA. */
  token?: () => Promise<string | undefined>;
  caCert?: string;
  /** Resolves a PVC to a host path (local-path PVs). */
  pvcPath?: (namespace: string, claim: string) => Promise<string | undefined>;
}

/** Materializes the pod's volumes on the host; resolves with volume name → host path (or tmpfs marker). */
export async function prepareVolumes(v: VolumeInput): Promise<Map<string, { path: string; tmpfs?: boolean; readOnly?: boolean }>> {
  const ns = v.pod.metadata.namespace ?? 'default';
  const out = new Map<string, { path: string; tmpfs?: boolean; readOnly?: boolean }>();
  const get = async (plural: 'configmaps' | 'secrets', name: string) => (v.lookup ? v.lookup(plural, ns, name) : undefined);
  const filesOf = (o: KubeObject | undefined, plural: 'configmaps' | 'secrets') => {
    const f: Record<string, Buffer> = {};
    for (const k of Object.keys({ ...o?.data, ...o?.binaryData, ...o?.stringData })) f[k] = Buffer.from(decode(o, plural, k) ?? '');
    return f;
  };
  for (const vol of v.pod.spec?.volumes ?? []) {
    const dir = join(v.podDir, 'volumes', vol.name);
    if (vol.emptyDir) {
      if (vol.emptyDir.medium === 'Memory') out.set(vol.name, { path: '', tmpfs: true });
      else {
        mkdirSync(dir, { recursive: true });
        chmodSync(dir, 0o777); // any runAsUser may write, as on a kubelet's emptyDir
        out.set(vol.name, { path: dir });
      }
    } else if (vol.hostPath) {
      if (vol.hostPath.type === 'DirectoryOrCreate') mkdirSync(vol.hostPath.path, { recursive: true });
      out.set(vol.name, { path: vol.hostPath.path });
    } else if (vol.configMap || vol.secret) {
      const plural = vol.configMap ? 'configmaps' : 'secrets';
      const src = vol.configMap ?? vol.secret;
      const o = await get(plural, src.name ?? src.secretName);
      if (!o && !src.optional) throw new Error(`${plural === 'configmaps' ? 'configmap' : 'secret'} "${src.name ?? src.secretName}" not found`);
      writeFiles(dir, filesOf(o, plural), src.items);
      out.set(vol.name, { path: dir, readOnly: true });
    } else if (vol.downwardAPI || vol.projected) {
      const files: Record<string, string | Buffer> = {};
      for (const s of vol.projected?.sources ?? [{ downwardAPI: vol.downwardAPI }]) {
        if (s.downwardAPI) for (const it of s.downwardAPI.items ?? []) if (it.fieldRef) files[it.path] = fieldValue(v.pod, it.fieldRef.fieldPath, '', '');
        if (s.configMap || s.secret) {
          const plural = s.configMap ? 'configmaps' : 'secrets';
          const src = s.configMap ?? s.secret;
          const all = filesOf(await get(plural, src.name), plural);
          for (const it of src.items ?? Object.keys(all).map((k) => ({ key: k, path: k }))) if (all[it.key]) files[it.path] = all[it.key];
        }
        if (s.serviceAccountToken) files[s.serviceAccountToken.path] = (await v.token?.()) ?? '';
      }
      if (vol.projected?.sources?.some((s: any) => s.serviceAccountToken)) {
        files['ca.crt'] ??= v.caCert ?? '';
        files.namespace ??= ns;
      }
      writeFiles(dir, files);
      out.set(vol.name, { path: dir, readOnly: true });
    } else if (vol.persistentVolumeClaim) {
      const p = await v.pvcPath?.(ns, vol.persistentVolumeClaim.claimName);
      if (!p) throw new Error(`persistentvolumeclaim "${vol.persistentVolumeClaim.claimName}" is not bound to a local volume`);
      mkdirSync(p, { recursive: true });
      out.set(vol.name, { path: p, readOnly: vol.persistentVolumeClaim.readOnly });
    }
  }
  return out;
}

/** Docker HostConfig pieces for a container: binds, tmpfs, security, limits. */
export function hostConfigFor(spec: any, pod: KubeObject, vols: Map<string, { path: string; tmpfs?: boolean; readOnly?: boolean }>): Record<string, any> {
  const binds: string[] = [];
  const tmpfs: Record<string, string> = {};
  for (const m of spec.volumeMounts ?? []) {
    const v = vols.get(m.name);
    if (!v) continue;
    if (v.tmpfs) { tmpfs[m.mountPath] = 'rw'; continue; }
    const src = m.subPath ? join(v.path, m.subPath) : v.path;
    if (m.subPath) mkdirSync(src, { recursive: true });
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

export function userOf(spec: any, pod: KubeObject): string | undefined {
  const sc = { ...pod.spec?.securityContext, ...spec.securityContext };
  if (sc.runAsUser === undefined) return undefined;
  return sc.runAsGroup !== undefined ? `${sc.runAsUser}:${sc.runAsGroup}` : String(sc.runAsUser);
}
