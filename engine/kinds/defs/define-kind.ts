// A compact way to write a KindDef: everything optional gets the Kubernetes default
// (no short names, no categories, all verbs, the generic Name/Created At table).
import type { KindDef, ScaleSubresource } from '../types';
import { defaultColumns } from '../printing';

export type KindSpec = Omit<KindDef, 'singular' | 'shortNames' | 'categories' | 'subresources' | 'printerColumns'> &
  Partial<Pick<KindDef, 'singular' | 'shortNames' | 'categories' | 'subresources' | 'printerColumns'>>;

export function defineKind(spec: KindSpec): KindDef {
  return {
    ...spec,
    singular: spec.singular ?? spec.kind.toLowerCase(),
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    subresources: spec.subresources ?? {},
    printerColumns: spec.printerColumns ?? defaultColumns(),
  };
}

/** The usual scale subresource of replicated workloads. */
export const REPLICAS_SCALE: ScaleSubresource = {
  specReplicasPath: 'spec.replicas',
  statusReplicasPath: 'status.replicas',
  labelSelectorPath: 'spec.selector',
};

/** Verbs of create-only review kinds (Binding, SelfSubjectAccessReview, ...). */
export const CREATE_ONLY = ['create'];
