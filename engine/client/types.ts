// The one way controllers, the scheduler and kubelets talk to the cluster: a Kubernetes client.
// Implementations: in-process (engine/apiserver/in-process-client.ts, over the API server's own
// machinery, same validation and admission as HTTP) and HTTPS (for kubelets elsewhere).
import type { KindDef, KubeObject } from '../kinds/types';
import { podKind } from '../kinds/defs/kinds-core-pod';
import { configMapKind, endpointsKind, namespaceKind, secretKind, serviceAccountKind } from '../kinds/defs/kinds-core';
import { eventKind } from '../kinds/defs/kinds-core-event';
import { nodeKind } from '../kinds/defs/kinds-core-node';
import { serviceKind } from '../kinds/defs/kinds-core-service';
import { persistentVolumeClaimKind, persistentVolumeKind } from '../kinds/defs/kinds-core-storage';
import { limitRangeKind, replicationControllerKind, resourceQuotaKind } from '../kinds/defs/kinds-core-workloads';
import { controllerRevisionKind, deploymentKind, replicaSetKind } from '../kinds/defs/kinds-apps';
import { daemonSetKind, statefulSetKind } from '../kinds/defs/kinds-apps-stateful';
import { cronJobKind, jobKind } from '../kinds/defs/kinds-batch';
import { hpaV2Kind } from '../kinds/defs/kinds-autoscaling';
import { podDisruptionBudgetKind } from '../kinds/defs/kinds-policy';
import { endpointSliceKind } from '../kinds/defs/kinds-networking';
import { leaseKind, priorityClassKind, storageClassKind } from '../kinds/defs/kinds-other';
import { clusterRoleKind } from '../kinds/defs/kinds-rbac';
import { certificateSigningRequestKind } from '../kinds/defs/kinds-certificates';

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
  /** Items need only apiVersion, kind and metadata (client-go's metadata client); a client may
   *  still send whole objects. */
  metadataOnly?: boolean;
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
  /**
   * A create's object is the caller's own, built for this call and never read again: an
   * in-process client may change and return it instead of copying it first.
   */
  handOver?: boolean;
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
  /** As ListOptions.metadataOnly. */
  metadataOnly?: boolean;
  /**
   * The caller never changes the objects it gets (an informer's cache): the in-process client
   * then hands all such watchers of one event the same read-only view instead of a copy each.
   */
  readOnly?: boolean;
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

const refOf = (d: KindDef): ResourceRef => ({ group: d.group, version: d.version, plural: d.plural });

/** Common resource refs, read from the kind definitions (engine/kinds/defs), never listed twice. */
export const R = {
  pods: refOf(podKind),
  nodes: refOf(nodeKind),
  namespaces: refOf(namespaceKind),
  services: refOf(serviceKind),
  endpoints: refOf(endpointsKind),
  events: refOf(eventKind),
  configmaps: refOf(configMapKind),
  secrets: refOf(secretKind),
  serviceaccounts: refOf(serviceAccountKind),
  persistentvolumes: refOf(persistentVolumeKind),
  persistentvolumeclaims: refOf(persistentVolumeClaimKind),
  replicationcontrollers: refOf(replicationControllerKind),
  resourcequotas: refOf(resourceQuotaKind),
  limitranges: refOf(limitRangeKind),
  deployments: refOf(deploymentKind),
  replicasets: refOf(replicaSetKind),
  statefulsets: refOf(statefulSetKind),
  daemonsets: refOf(daemonSetKind),
  controllerrevisions: refOf(controllerRevisionKind),
  jobs: refOf(jobKind),
  cronjobs: refOf(cronJobKind),
  hpas: refOf(hpaV2Kind),
  pdbs: refOf(podDisruptionBudgetKind),
  endpointslices: refOf(endpointSliceKind),
  leases: refOf(leaseKind),
  storageclasses: refOf(storageClassKind),
  priorityclasses: refOf(priorityClassKind),
  clusterroles: refOf(clusterRoleKind),
  csrs: refOf(certificateSigningRequestKind),
} satisfies Record<string, ResourceRef>;
