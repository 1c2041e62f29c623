// How the Docker runtime reads ConfigMaps, Secrets and PVCs: through the kubelet's API client,
// like a real kubelet (no store access).
import type { KubeClient } from '../../client/types';
import { R, isStatus } from '../../client/types';
import type { DockerRuntimeOptions } from './docker-runtime';

export function dockerLookups(client: KubeClient): Pick<DockerRuntimeOptions, 'lookup' | 'pvcPath'> {
  const get = async (ref: typeof R.pods, ns: string | undefined, name: string) => {
    try {
      return await client.get(ref, ns, name);
    } catch (e) {
      if (isStatus(e, 404)) return undefined;
      throw e;
    }
  };
  return {
    lookup: (plural, ns, name) => get(R[plural], ns, name),
    async pvcPath(ns, claim) {
      const pvc = await get(R.persistentvolumeclaims, ns, claim);
      const pv = pvc?.spec?.volumeName ? await get(R.persistentvolumes, undefined, pvc.spec.volumeName) : undefined;
      return pv?.spec?.hostPath?.path ?? pv?.spec?.local?.path;
    },
  };
}
