// The one way controllers, the scheduler and kubelets talk to the cluster: a Kubernetes client.
// Implementations: in-process (engine/apiserver/in-process-client.ts, over the API server's own
// machinery, same validation and admission as HTTP) and HTTPS (for kubelets elsewhere).
import type { KubeObject } from '../kinds/types';

/** Which resource: group ('' = core), version, plural. */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
}

/** A stored resource as discovery describes it (what the garbage collector and namespace deletion walk). */
export interface ApiResource extends ResourceRef {
  kind: string;
  namespaced: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult<T = KubeObject> {
  items: T[];
  resourceVersion: string;
  continue?: string;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** Write a subresource instead of the main resource ('status', a namespace's 'finalize'). */
  subresource?: 'status' | 'finalize' | 'approval';
}

export type PatchType = 'merge' | 'strategic' | 'json';

export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchOptions {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowBookmarks?: boolean;
}

export interface WatchHandle {
  stop(): void;
}

export interface KubeClient {
  get(res: ResourceRef, namespace: string | undefined, name: string): Promise<KubeObject>;
  list(res: ResourceRef, namespace: string | undefined, opts?: ListOptions): Promise<ListResult>;
  create(res: ResourceRef, namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  /** PUT: obj.metadata.resourceVersion, when set, must match (409 Conflict otherwise). */
  update(res: ResourceRef, namespace: string | undefined, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  patch(
    res: ResourceRef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    opts?: WriteOptions,
  ): Promise<KubeObject>;
  /** Resolves with the object as deleted (or as marked for deletion when finalizers/grace hold it). */
  delete(res: ResourceRef, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<KubeObject>;
  /** GET <resource>/scale: an autoscaling/v1 Scale (built-ins and custom resources with a scale subresource). */
  getScale?(res: ResourceRef, namespace: string | undefined, name: string): Promise<KubeObject>;
  /** Sets <resource>/scale's spec.replicas; resolves with the new Scale. */
  updateScale?(res: ResourceRef, namespace: string | undefined, name: string, replicas: number): Promise<KubeObject>;
  /** POST to a subresource: pods/binding, pods/eviction, ... Resolves with the response body. */
  createSubresource(res: ResourceRef, namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<unknown>;
  /**
   * Watch from a resourceVersion (unset/'0' = synthetic ADDED for current objects first).
   * `onEvent` gets each event in order; `onClose` once when the watch ends (err = why, e.g.
   * an ApiError with code 410 when the version is too old; undefined for a normal close).
   */
  watch(
    res: ResourceRef,
    namespace: string | undefined,
    opts: WatchOptions,
    onEvent: (type: WatchEventType, obj: KubeObject) => void,
    onClose: (err?: Error) => void,
  ): WatchHandle;
}

/** Errors a client throws carry the Kubernetes Status code and reason. */
export interface ClientError extends Error {
  code: number;
  reason: string;
}

export function isStatus(err: unknown, code: number): boolean {
  return typeof err === 'object' && err !== null && (err as ClientError).code === code;
}

/** Common resource refs. */
export const R = {
  pods: { group: '', version: 'v1', plural: 'pods' },
  nodes: { group: '', version: 'v1', plural: 'nodes' },
  namespaces: { group: '', version: 'v1', plural: 'namespaces' },
  services: { group: '', version: 'v1', plural: 'services' },
  endpoints: { group: '', version: 'v1', plural: 'endpoints' },
  events: { group: '', version: 'v1', plural: 'events' },
  configmaps: { group: '', version: 'v1', plural: 'configmaps' },
  secrets: { group: '', version: 'v1', plural: 'secrets' },
  serviceaccounts: { group: '', version: 'v1', plural: 'serviceaccounts' },
  persistentvolumes: { group: '', version: 'v1', plural: 'persistentvolumes' },
  persistentvolumeclaims: { group: '', version: 'v1', plural: 'persistentvolumeclaims' },
  replicationcontrollers: { group: '', version: 'v1', plural: 'replicationcontrollers' },
  resourcequotas: { group: '', version: 'v1', plural: 'resourcequotas' },
  limitranges: { group: '', version: 'v1', plural: 'limitranges' },
  deployments: { group: 'apps', version: 'v1', plural: 'deployments' },
  replicasets: { group: 'apps', version: 'v1', plural: 'replicasets' },
  statefulsets: { group: 'apps', version: 'v1', plural: 'statefulsets' },
  daemonsets: { group: 'apps', version: 'v1', plural: 'daemonsets' },
  controllerrevisions: { group: 'apps', version: 'v1', plural: 'controllerrevisions' },
  jobs: { group: 'batch', version: 'v1', plural: 'jobs' },
  cronjobs: { group: 'batch', version: 'v1', plural: 'cronjobs' },
  hpas: { group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers' },
  pdbs: { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices' },
  leases: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' },
  storageclasses: { group: 'storage.k8s.io', version: 'v1', plural: 'storageclasses' },
  priorityclasses: { group: 'scheduling.k8s.io', version: 'v1', plural: 'priorityclasses' },
  clusterroles: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles' },
  csrs: { group: 'certificates.k8s.io', version: 'v1', plural: 'certificatesigningrequests' },
} satisfies Record<string, ResourceRef>;
