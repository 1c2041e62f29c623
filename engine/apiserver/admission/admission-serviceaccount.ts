// ServiceAccount admission, the part about image pulls: a new pod that names no imagePullSecrets
// gets its ServiceAccount's, as kube-apiserver's ServiceAccount plugin copies them. (The token
// volume and the `default` account name are set earlier, by the pod's create defaults.)
import type { KindDef, KubeObject } from '../../kinds/types';
import type { AdmissionPlugin, AdmissionStorage } from './admission-chain';

export function createServiceAccountAdmission(storage: AdmissionStorage): AdmissionPlugin {
  return {
    name: 'ServiceAccount',
    appliesTo: (def: KindDef) => def.group === '' && def.plural === 'pods',
    async admit(def: KindDef, pod: KubeObject, old: KubeObject | undefined) {
      if (old || def.group !== '' || def.plural !== 'pods') return;
      const spec = (pod.spec ??= {});
      if (spec.imagePullSecrets?.length) return;
      const name = spec.serviceAccountName || 'default';
      const ns = pod.metadata.namespace ?? 'default';
      const sa = (await storage.list('', 'v1', 'serviceaccounts', ns)).find((s) => s.metadata.name === name);
      const secrets: ({ name?: string } | null)[] = sa?.imagePullSecrets ?? [];
      const refs = secrets.flatMap((r) => (r?.name ? [{ name: r.name }] : []));
      if (refs.length) spec.imagePullSecrets = refs;
    },
  };
}
