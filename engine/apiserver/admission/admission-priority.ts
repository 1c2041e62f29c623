// Priority admission: a new pod's spec.priorityClassName resolves to spec.priority and
// spec.preemptionPolicy from its PriorityClass; without a name, the globalDefault class (if any)
// applies, else priority 0. The two built-in system classes answer even when not stored.
import type { KindDef, KubeObject } from '../../kinds/types';
import { errors } from '../status';
import type { AdmissionPlugin, AdmissionStorage } from './admission-chain';

export const BUILTIN_PRIORITY_CLASSES: Record<string, { value: number; preemptionPolicy: string }> = {
  'system-cluster-critical': { value: 2000000000, preemptionPolicy: 'PreemptLowerPriority' },
  'system-node-critical': { value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' },
};

export function createPriorityAdmission(storage: AdmissionStorage): AdmissionPlugin {
  return {
    name: 'Priority',
    appliesTo: (def: KindDef) => def.group === '' && def.plural === 'pods',
    async admit(def: KindDef, pod: KubeObject, old: KubeObject | undefined) {
      if (old || def.group !== '' || def.plural !== 'pods') return;
      const spec = (pod.spec ??= {});
      const classes = await storage.list('scheduling.k8s.io', 'v1', 'priorityclasses');
      let value = 0;
      let policy: string | undefined;
      const forbidden = (msg: string) => errors.forbidden(`pods "${pod.metadata.name ?? ''}" is forbidden: ${msg}`);
      if (spec.priorityClassName) {
        const pc = classes.find((c) => c.metadata.name === spec.priorityClassName);
        const builtin = BUILTIN_PRIORITY_CLASSES[spec.priorityClassName];
        if (!pc && !builtin) throw forbidden(`no PriorityClass with name ${spec.priorityClassName} was found`);
        value = pc ? (pc.value ?? 0) : builtin.value;
        policy = pc ? pc.preemptionPolicy : builtin.preemptionPolicy;
      } else {
        // The highest-valued global default wins when several claim it, as upstream picks.
        const defaults = classes.filter((c) => c.globalDefault === true).sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
        if (defaults[0]) {
          spec.priorityClassName = defaults[0].metadata.name;
          value = defaults[0].value ?? 0;
          policy = defaults[0].preemptionPolicy;
          // Earlier defaulting put priority 0 here for class-less pods; the class decides now.
          if (spec.priority === 0) delete spec.priority;
        }
      }
      if (spec.priority !== undefined && spec.priority !== value) {
        throw forbidden(
          `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`,
        );
      }
      spec.priority = value;
      if (policy) spec.preemptionPolicy = policy;
    },
  };
}
