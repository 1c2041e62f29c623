// Kind-specific parts of the detail panel, registered per kind instead of switched on: a
// section shown above what every object has, and actions beside YAML and Delete (the idea
// of Headlamp's registerDetailsViewSection). A new kind's view is one register() call.
import type { ReactNode } from 'react';
import type { KubeEvent } from '../../k8s/events';
import type { ApiResource, KubeObject } from '../../k8s/types';

export interface KindViewProps {
  obj: KubeObject;
  resource: ApiResource;
  /** The object's events (the pod section explains a pod from them). */
  events: KubeEvent[];
  /** Reads the object again (after an action that changes it). */
  reload: () => void;
}

export interface KindView {
  section?: (p: KindViewProps) => ReactNode;
  actions?: (p: KindViewProps) => ReactNode;
}

/** A kind in its API group ('' for the core group): a custom resource named like a built-in is not taken for it. */
export interface KindRef {
  group: string;
  kind: string;
}

export interface KindViews {
  register(kinds: KindRef[], view: KindView): void;
  find(group: string, kind: string): KindView | undefined;
  /** Every registered kind (tests check each renders). */
  kinds(): KindRef[];
}

const keyOf = (group: string, kind: string) => `${kind}.${group}`;

export function createKindViews(): KindViews {
  const views = new Map<string, { ref: KindRef; view: KindView }>();
  return {
    register(kinds, view) {
      for (const ref of kinds) {
        const key = keyOf(ref.group, ref.kind);
        // Sections and actions registered separately for one kind are merged.
        const prev = views.get(key)?.view;
        views.set(key, { ref, view: { ...prev, ...view } });
      }
    },
    find: (group, kind) => views.get(keyOf(group, kind))?.view,
    kinds: () => [...views.values()].map((v) => v.ref),
  };
}
