// The shapes of RBAC objects as the authorizer reads them (stored objects are plain JSON).
import type { KubeObject, ObjectMeta } from '../../kinds/types';
import type { LabelSelector } from '../../apimachinery/selectors';
import type { PolicyRule } from './rules';

export interface RoleRef {
  apiGroup?: string;
  kind?: string;
  name?: string;
}

export interface Subject {
  apiGroup?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface RoleObject {
  metadata: ObjectMeta;
  rules?: PolicyRule[];
  aggregationRule?: { clusterRoleSelectors?: LabelSelector[] };
}

export interface BindingObject {
  metadata: ObjectMeta;
  roleRef?: RoleRef;
  subjects?: Subject[];
}

export const asRole = (o: KubeObject) => o as RoleObject;
export const asBinding = (o: KubeObject) => o as BindingObject;
