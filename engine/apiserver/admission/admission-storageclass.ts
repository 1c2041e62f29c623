// DefaultStorageClass admission: a new PVC without spec.storageClassName gets the class
// annotated storageclass.kubernetes.io/is-default-class=true (the newest, when several are).
import type { Admission } from '../resource-store';
import type { AdmissionStorage } from './admission-chain';

const DEFAULT_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

export function createDefaultStorageClassAdmission(storage: AdmissionStorage): Admission {
  return {
    appliesTo: (def) => !def.group && def.kind === 'PersistentVolumeClaim',
    async admit(def, pvc, old) {
      if (old || def.group || def.kind !== 'PersistentVolumeClaim') return;
      if (pvc.spec?.storageClassName !== undefined && pvc.spec.storageClassName !== null) return;
      const classes = await storage.list('storage.k8s.io', 'v1', 'storageclasses');
      const defaults = classes
        .filter((c) => c.metadata.annotations?.[DEFAULT_ANNOTATION] === 'true')
        .sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
      if (defaults.length) pvc.spec = { ...(pvc.spec ?? {}), storageClassName: defaults[0].metadata.name };
    },
  };
}
