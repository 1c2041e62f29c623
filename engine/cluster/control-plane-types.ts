// What starting a local cluster's control plane takes and gives: the options (each defaulting to
// cluster.json's value), the injectable heavy parts (tests fake them) and the running control plane.
import type { Store } from '../store/types';
import type { ApiServerOptions, ApiServer } from '../apiserver/server';
import type { ClusterComponents, NodeRuntime } from './components';
import type { AddressPlan } from '../network/address-plan';
import type { ClusterConfig, Datastore, PodSecurityLevel } from './cluster-config';
import type { KubeconfigEntries } from './kubeconfig';
import type { ClusterRef } from '../docker/names';
import type { StartTrace } from './start-trace';
import type { LeaderElectionTimings } from '../client/leader-election';

export const DEFAULT_ETCD_ENDPOINTS = ['http://127.0.0.1:2379'];

export type StoreOpenOptions = { kind: 'sqlite'; path: string } | { kind: 'etcd'; endpoints: string[]; prefix?: string };

export interface ControlPlaneDeps {
  openStore(opts: StoreOpenOptions): Promise<Store>;
  startApiServer(opts: ApiServerOptions): Promise<Pick<ApiServer, 'port' | 'url' | 'close'> & Partial<Pick<ApiServer, 'core'>>>;
  /** Creates or finds the cluster's Docker network (absent: no Docker network step, as in unit tests). */
  prepareNetwork?(cluster: ClusterRef, preferredSubnet: string | undefined, log: (line: string) => void): Promise<AddressPlan>;
  /** The subnet prepareNetwork will most likely answer with (its network's, or the free one it would pick). */
  guessSubnet?(cluster: ClusterRef, preferredSubnet: string | undefined): Promise<string>;
  /** Starts loading the modules the start needs later (`newPki`: the PKI is to be made). */
  preload?(newPki: boolean): void;
}

export interface ControlPlaneOptions {
  name: string;
  dataDir: string;
  /** Default: the port in cluster.json, else 0 (any free port, then kept). */
  port?: number;
  /** Default: the datastore in cluster.json, else sqlite. Changing it for an existing cluster is refused. */
  datastore?: Datastore;
  etcdEndpoints?: string[];
  /** Nodes to run (missing ones are created; default 1). */
  nodes?: number;
  nodeRuntime?: NodeRuntime;
  /** The ingress's HTTP port on 127.0.0.1 (0: any free port). Default: the one in cluster.json, else 80, else 8080–8099, else any. */
  ingressPort?: number;
  /** The ingress's HTTPS port on 127.0.0.1 (0: any). Default: cluster.json's, else 443, else 8443–8462, else any. */
  ingressHttpsPort?: number;
  /** Pod sandbox image for Docker nodes (default: Skiff's own skiff/pause, built locally). */
  sandboxImage?: string;
  /** Pod Security for namespaces without labels (default: the one in cluster.json, else baseline). */
  podSecurity?: PodSecurityLevel;
  /** Host ports LoadBalancer Services may take, "low-high" (default: cluster.json's, else 1025-65535). */
  lbPortRange?: string;
  /** The audit policy: a Policy file, "default" or "none" (default: cluster.json's, else none). */
  auditPolicy?: string;
  /** Another instance's pki dir: its CA, service-account key and admin credentials are copied here first (HA). */
  pkiFrom?: string;
  /** etcd only: leader election timings (default: cluster.json's, else upstream's 15 s / 10 s / 2 s). */
  leaderElection?: Partial<LeaderElectionTimings>;
  /** An address of this machine the API server also listens on, for joining nodes (default: cluster.json's; 127.0.0.1: loopback only). */
  advertiseAddress?: string;
  onStep?: (step: string, detail?: string) => void;
  /**
   * The API server answers and the cluster's kubeconfig is written (before its nodes and
   * controllers start): the app shows the cluster from here.
   */
  onApiReady?: (url: string) => void;
  log?: (line: string) => void;
  /** Times each phase of the start (SKIFF_TRACE=start). */
  trace?: StartTrace;
  /**
   * Work the start does not wait for (the ingress's TLS certificates: x509) begins once this
   * settles; `skiff start` passes "the command was told ready". Default: once the start returns.
   */
  backgroundAfter?: Promise<unknown>;
  deps?: ControlPlaneDeps;
}

export interface ControlPlane {
  url: string;
  port: number;
  kubeconfigPath: string;
  kubeconfig: KubeconfigEntries;
  config: ClusterConfig;
  /** In-process client of the running cluster (when components run). */
  client?: import('../client/types').KubeClient;
  /** Service networking of a Docker-backed cluster (ready() waits for the network agent). */
  network?: import('../network/network-controller').NetworkController;
  /** The ingress's HTTP port on 127.0.0.1, when it listens. */
  ingressPort?: number;
  /** The built-in ingress controller (Docker-backed clusters); `tlsListening` gives the HTTPS port. */
  ingress?: import('../network/ingress/ingress-controller').IngressController;
  /** etcd: this instance's Lease holder identity and its elections for the scheduler and the controllers. */
  instance?: { identity: string; leaders?: ClusterComponents['leaders'] };
  stop(): Promise<void>;
}

/** What the API server step returns (the in-process core when the real server runs). */
export type StartedApiServer = Awaited<ReturnType<ControlPlaneDeps['startApiServer']>>;
