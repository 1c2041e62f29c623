// A pod's priority: spec.priority when admission set it, else its PriorityClass's value (or the
// global default class), else 0. The built-in system classes are known even before they exist.
import type { KubeObject } from '../kinds/types';

export const BUILTIN_PRIORITY: Record<string, number> = {
  'system-cluster-critical': 2_000_000_000,
  'system-node-critical': 2_000_001_000,
};

export interface PriorityResolver {
  setClass(pc: KubeObject): void;
  deleteClass(name: string): void;
  priorityOf(pod: KubeObject): number;
}

export function createPriorityResolver(): PriorityResolver {
  const classes = new Map<string, { value: number; globalDefault: boolean }>();
  return {
    setClass(pc) {
      classes.set(pc.metadata.name!, { value: Number(pc.value ?? 0), globalDefault: pc.globalDefault === true });
    },
    deleteClass: (name) => void classes.delete(name),
    priorityOf(pod) {
      const spec = pod.spec ?? {};
      if (typeof spec.priority === 'number') return spec.priority;
      const name = spec.priorityClassName;
      if (name) return classes.get(name)?.value ?? BUILTIN_PRIORITY[name] ?? 0;
      for (const c of classes.values()) if (c.globalDefault) return c.value;
      return 0;
    },
  };
}
