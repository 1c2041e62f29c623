// What every part of Skiff knows about a Kubernetes kind. Each kind is described once
// (one file per API group under engine/kinds/) and discovery, routing, validation,
// printing, OpenAPI, garbage collection and the UI's generic views all read it.

import type { KubeObject } from '../apimachinery/object-types';
export type { KubeObject, ObjectMeta, OwnerReference } from '../apimachinery/object-types';

/** One validation problem, reported as a Status cause (422 Invalid). */
export interface FieldError {
  /** Path like `spec.template.spec.containers[0].image`. */
  field: string;
  /** Kubernetes cause reason: FieldValueRequired | FieldValueInvalid | FieldValueDuplicate | FieldValueNotSupported | FieldValueForbidden | FieldValueTooLong | FieldValueTypeInvalid */
  reason: string;
  /** Human text as Kubernetes prints it, e.g. `Required value` or `Invalid value: "X": must be no more than 63 characters`. */
  message: string;
}

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** `name` for the NAME column; else '' */
  format?: string;
  description: string;
  /** 0 = default view, >0 = only with -o wide. */
  priority: number;
  /** The cell's value for one object. `now` is for ages computed server-side (kubectl computes AGE from a date cell). */
  cell(obj: KubeObject, now: number): string | number | boolean | null;
}

export interface ScaleSubresource {
  /** Dotted paths into the object. */
  specReplicasPath: string;
  statusReplicasPath: string;
  /** Path to a LabelSelector object (converted to a string for Scale.status.selector). */
  labelSelectorPath: string;
}

export interface KindDef {
  /** '' for the core (legacy) group. */
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural resource name (URL segment). */
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  /** e.g. ['all'] so `kubectl get all` includes it. */
  categories: string[];
  /** Defaults to the full set: create delete deletecollection get list patch update watch. */
  verbs?: string[];
  /** Not stored: create-only review kinds (SelfSubjectAccessReview, ...), handled by the API server. */
  virtual?: boolean;
  subresources: {
    status?: boolean;
    scale?: ScaleSubresource;
  };
  /** The @kubernetes/client-node model name for this kind (e.g. 'V1Pod'): the schema source for
   *  OpenAPI, strict decoding and strategic-merge keys. */
  model: string;
  /** Server-side printing (kubectl get). Exactly one column has format 'name'. */
  printerColumns: PrinterColumn[];
  /** Extra field-selector fields beyond metadata.name / metadata.namespace, e.g. pods' spec.nodeName. */
  fieldSelectors?: Record<string, (obj: KubeObject) => string>;
  /** For a version that is not the storage version (HPA autoscaling/v1): convert to and from
   *  the stored shape, so every version reads and writes the same objects. */
  storage?: {
    toStored(obj: KubeObject): KubeObject;
    fromStored(obj: KubeObject): KubeObject;
    /** The group whose key space holds the objects, when not this kind's own (events.k8s.io
     *  Events live with core/v1 Events, as upstream stores them). */
    group?: string;
  };
  /** A CRD version whose conversion is `Webhook`: objects are stored in `storageApiVersion` and
   *  converted by the CRD's webhook (apiserver/crd/conversion-webhook.ts) on every read and write. */
  conversionWebhook?: {
    storageApiVersion: string;
    clientConfig: Record<string, unknown>;
    reviewVersions: string[];
  };
  /** Fill defaults in place (create and update), like the Kubernetes defaulting functions. */
  defaults?(obj: KubeObject): void;
  /** Validate a whole object (after defaults). `old` is given on update, for immutable-field checks. */
  validate?(obj: KubeObject, old?: KubeObject): FieldError[];
  /** Strategy on create after generic metadata handling (e.g. Pod: status.phase = Pending). */
  prepareForCreate?(obj: KubeObject): void;
  /** Strategy when a delete first marks the object (deletionTimestamp set): e.g. add a finalizer. */
  prepareForDelete?(obj: KubeObject): void;
  /** Sent as a Warning header with every request to this version (a deprecated CRD version). */
  deprecationWarning?: string;
  /** The CRD is being deleted: its objects are still served, but none may be created. */
  terminating?: boolean;
  /** Served from a CustomResourceDefinition: no client model (no strategic merge patch, 415 as
   *  upstream), generation always tracked, unknown fields found by `unknownFields`. */
  customResource?: boolean;
  /** A custom kind's schema (the CRD version's openAPIV3Schema), published in /openapi. */
  customSchema?: Record<string, unknown>;
  /** Paths of fields the kind's schema does not declare (pruned, or reported per fieldValidation),
   *  for kinds without a client model. */
  unknownFields?(obj: KubeObject): string[];
  /** Strategy on an update through the status subresource (CSRs keep their approval conditions). */
  prepareForStatusUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Strategy on update of the main resource (status is already carried over from old when the kind has a status subresource). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
}
