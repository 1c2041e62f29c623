// A pod's volumes on the host: emptyDir, hostPath and PVC directories are made once;
// ConfigMap, Secret, downwardAPI and projected volumes are written atomically (atomic-writer.ts)
// at container creation and again by refreshVolumes, so updates reach running containers.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../kinds/types';
import { writeAtomically, type VolumeFiles } from './atomic-writer';
import { decode, fieldValue, type ObjectLookup } from './container-config';
import { VolumePathError } from './contained-paths';
import type { Volume, VolumeProjection } from '../../apimachinery/pod-types';

export interface PreparedVolume {
  path: string;
  tmpfs?: boolean;
  readOnly?: boolean;
}

export interface VolumeInput {
  pod: KubeObject;
  /** Per-pod directory on the host (volumes live under it). */
  podDir: string;
  lookup?: ObjectLookup;
  /** A service-account token for a projected source (its audience and lifetime), and the cluster CA. */
  token?: (source: { audience?: string; expirationSeconds?: number }) => Promise<string | undefined>;
  caCert?: string;
  /** Resolves a PVC to a host path (local-path PVs). */
  pvcPath?: (namespace: string, claim: string) => Promise<string | undefined>;
}

/** The volume's own directory under the pod's; a name is one path element (the API checks it too). */
function volumeDir(podDir: string, name: string): string {
  if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))
    throw new VolumePathError(`volume name ${JSON.stringify(name)} is not valid`);
  return join(podDir, 'volumes', name);
}

const isRefreshable = (vol: Volume) => Boolean(vol.configMap || vol.secret || vol.downwardAPI || vol.projected);

/** Volumes some container mounts with subPath: their old generations must stay (the mount pins them). */
function subPathVolumes(pod: KubeObject): Set<string> {
  const out = new Set<string>();
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const m of c.volumeMounts ?? []) if (m.subPath) out.add(m.name);
  }
  return out;
}

/** The files of a ConfigMap/Secret/downwardAPI/projected volume, as they should be now. */
async function volumeFiles(vol: Volume, v: VolumeInput): Promise<VolumeFiles> {
  const ns = v.pod.metadata.namespace ?? 'default';
  const get = async (plural: 'configmaps' | 'secrets', name: string) => (v.lookup ? v.lookup(plural, ns, name) : undefined);
  const filesOf = (o: KubeObject | undefined, plural: 'configmaps' | 'secrets') => {
    const f: Record<string, Buffer> = {};
    for (const k of Object.keys({ ...o?.data, ...o?.binaryData, ...o?.stringData })) f[k] = Buffer.from(decode(o, plural, k) ?? '');
    return f;
  };
  const pick = (all: Record<string, Buffer>, items?: { key: string; path: string }[]) => {
    const out: VolumeFiles = {};
    for (const it of items?.length ? items : Object.keys(all).map((k) => ({ key: k, path: k })))
      if (all[it.key] !== undefined) out[it.path] = all[it.key];
    return out;
  };
  const source = vol.configMap ?? vol.secret;
  if (source) {
    const plural = vol.configMap ? 'configmaps' : 'secrets';
    const name = source.name ?? source.secretName ?? '';
    const o = await get(plural, name);
    if (!o && !source.optional) throw new Error(`${plural === 'configmaps' ? 'configmap' : 'secret'} "${name}" not found`);
    return pick(filesOf(o, plural), source.items);
  }
  const files: VolumeFiles = {};
  const sources: VolumeProjection[] = vol.projected?.sources ?? [{ downwardAPI: vol.downwardAPI }];
  for (const s of sources) {
    if (s.downwardAPI)
      for (const it of s.downwardAPI.items ?? []) if (it.fieldRef) files[it.path] = fieldValue(v.pod, it.fieldRef.fieldPath, '', '');
    const projected = s.configMap ?? s.secret;
    if (projected) {
      const plural = s.configMap ? 'configmaps' : 'secrets';
      Object.assign(files, pick(filesOf(await get(plural, projected.name ?? ''), plural), projected.items));
    }
    const sat = s.serviceAccountToken;
    if (sat) files[sat.path] = (await v.token?.({ audience: sat.audience, expirationSeconds: sat.expirationSeconds })) ?? '';
  }
  if (vol.projected?.sources?.some((s) => s.serviceAccountToken)) {
    files['ca.crt'] ??= v.caCert ?? '';
    files.namespace ??= ns;
  }
  return files;
}

/** Materializes the pod's volumes on the host; resolves with volume name → host path (or tmpfs marker). */
export async function prepareVolumes(v: VolumeInput): Promise<Map<string, PreparedVolume>> {
  const ns = v.pod.metadata.namespace ?? 'default';
  const out = new Map<string, PreparedVolume>();
  const pinned = subPathVolumes(v.pod);
  for (const vol of v.pod.spec?.volumes ?? []) {
    const dir = volumeDir(v.podDir, vol.name);
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
    } else if (isRefreshable(vol)) {
      writeAtomically(dir, await volumeFiles(vol, v), { keepOld: pinned.has(vol.name) });
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

/**
 * Rewrites the pod's ConfigMap/Secret/downwardAPI/projected volumes from their sources, as the
 * kubelet's periodic sync does. Resolves with the names of the volumes that changed. A source
 * that went missing leaves the last content in place (upstream keeps it too).
 */
export async function refreshVolumes(v: VolumeInput): Promise<string[]> {
  const changed: string[] = [];
  const pinned = subPathVolumes(v.pod);
  for (const vol of v.pod.spec?.volumes ?? []) {
    if (!isRefreshable(vol)) continue;
    let files: VolumeFiles;
    try {
      files = await volumeFiles(vol, v);
    } catch {
      continue;
    }
    if (writeAtomically(volumeDir(v.podDir, vol.name), files, { keepOld: pinned.has(vol.name) })) changed.push(vol.name);
  }
  return changed;
}
