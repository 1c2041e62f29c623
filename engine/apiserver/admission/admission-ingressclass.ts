// DefaultIngressClass admission: a new Ingress naming no class (neither spec.ingressClassName nor
// the kubernetes.io/ingress.class annotation) gets the IngressClass annotated
// ingressclass.kubernetes.io/is-default-class=true (the newest, when several are), as upstream.
import type { Admission } from '../resource-store';
import type { AdmissionStorage } from './admission-chain';

const DEFAULT_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export function createDefaultIngressClassAdmission(storage: AdmissionStorage): Admission {
  return {
    appliesTo: (def) => def.group === 'networking.k8s.io' && def.kind === 'Ingress',
    async admit(def, ing, old) {
      if (old || def.group !== 'networking.k8s.io' || def.kind !== 'Ingress') return;
      const spec = (ing.spec ?? {}) as { ingressClassName?: string };
      if (spec.ingressClassName || ing.metadata.annotations?.[CLASS_ANNOTATION]) return;
      const classes = await storage.list('networking.k8s.io', 'v1', 'ingressclasses');
      const defaults = classes
        .filter((c) => c.metadata.annotations?.[DEFAULT_ANNOTATION] === 'true')
        .sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
      if (defaults.length) ing.spec = { ...spec, ingressClassName: defaults[0].metadata.name };
    },
  };
}
