// Wire-format object shapes shared by the engine and the renderer: plain JSON as the API
// serves it (times are RFC 3339 strings, as on the wire — not Dates).

/** A Kubernetes object as stored and served. */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  // Each kind's fields differ; kind-specific code narrows them where it reads them.
  [field: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- open shape of every kind's body
};

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [field: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- fields this type does not list yet
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** A Status object as the API answers errors (and some successes). */
export interface KubeStatus {
  kind: 'Status';
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string; causes?: StatusCause[]; retryAfterSeconds?: number };
}

/** meta.k8s.io/v1 Table, as kubectl get and the app read it. */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
}

export interface RawTableRow {
  cells: unknown[];
  object?: { metadata?: ObjectMeta; [k: string]: unknown };
}

export interface RawTable {
  kind: 'Table';
  metadata?: { resourceVersion?: string; continue?: string };
  columnDefinitions?: TableColumnDefinition[] | null;
  rows?: RawTableRow[] | null;
}
