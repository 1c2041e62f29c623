// Shapes the renderer reads from a Kubernetes API server (only the fields it uses).

export type { KubeObject, ObjectMeta, OwnerReference } from '../../engine/apimachinery/object-types';
export type { RawTable, RawTableRow, TableColumnDefinition, KubeStatus, StatusCause } from '../../engine/apimachinery/object-types';

/** One resource from discovery (a kind you can list). */
export interface ApiResource {
  group: string;
  version: string;
  /** The plural resource name used in URLs, e.g. "deployments". */
  name: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = unknown> {
  type: WatchEventType;
  object: T;
}
