// What every controller gets, and what it gives back. Controllers follow DESIGN.md's pattern:
// handlers only enqueue keys; sync(key) reads informer caches (never mutating cached objects),
// writes through the client, and requeues with back-off on error; 409s re-read and retry.
import type { ApiResource, KubeClient } from '../client/types';
import type { InformerFactory } from '../client/informer-factory';
import type { EventRecorder } from '../client/event-recorder';
import type { ServiceAccountTokens } from '../pki/service-account-tokens';

export interface ControllerDeps {
  /** The controller's own identity (its ServiceAccount when the manager has one per controller). */
  client: KubeClient;
  /** Another upstream controller's identity, for a part Skiff runs inside this one (the
   *  ServiceAccount controller publishing kube-root-ca.crt as root-ca-cert-publisher). */
  clientAs?: (serviceAccount: string) => KubeClient;
  informers: InformerFactory;
  events: EventRecorder;
  log: (line: string) => void;
  /** Injectable clock for tests (CronJob schedules, TTLs, node grace periods). */
  now: () => Date;
  /** The cluster's data dir (local-path volumes live under it). */
  dataDir?: string;
  /** Resource usage the kubelets report (HPA). */
  metrics?: MetricsSource;
  /** Issues service-account tokens (token Secrets). */
  serviceAccountTokens?: ServiceAccountTokens;
  /** The cluster CA (PEM): kube-root-ca.crt and token Secrets carry it. */
  caCert?: string;
  /** The cluster CA's key (PEM): the CSR signer signs approved node client certificates with it. */
  caKey?: string;
  /** A SubjectAccessReview's answer (the CSR approver asks whether the requester may have a node cert). */
  accessReview?(spec: AccessReviewSpec): Promise<boolean>;
  /** Where pods reach the API server (the `kubernetes` Service's endpoints). */
  apiServerAddress?: string;
  /**
   * Every stored resource (discovery's view), for the garbage collector and namespace deletion;
   * without it those two do not run.
   */
  resources?: () => ApiResource[];
}

/** authorization.k8s.io/v1 SubjectAccessReview spec (the parts the approver sends). */
export interface AccessReviewSpec {
  user: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  resourceAttributes: { group: string; resource: string; subresource?: string; verb: string };
}

/** CPU and memory usage as kubelets report it (feeds metrics.k8s.io and the HPA). */
export interface MetricsSnapshot {
  nodes: { name: string; cpuNanoCores: number; memoryBytes: number; timestamp: string }[];
  pods: { namespace: string; name: string; containers: { name: string; cpuNanoCores: number; memoryBytes: number }[]; timestamp: string }[];
}

export type MetricsSource = () => MetricsSnapshot;

export interface Controller {
  name: string;
  /** Registers informer handlers (informers start after every controller has registered). */
  start(): Promise<void> | void;
  stop(): void;
}
