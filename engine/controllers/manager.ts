// The controller manager: builds every controller over one client and one informer factory,
// registers them, then starts the shared informers.
import { createBootstrapSignerController, createTokenCleanerController } from './bootstrap-tokens';
import { createCsrApprovingController } from './csr-approving';
import { createCsrSigningController } from './csr-signing';
import type { KubeClient } from '../client/types';
import { createInformerFactory } from '../client/informer-factory';
import { createEventRecorder } from '../client/event-recorder';
import type { Controller, ControllerDeps, MetricsSource } from './types';
import { createEndpointsController } from './endpoints';
import { createEndpointSliceController } from './endpointslice';
import { createServiceAccountController, createServiceAccountTokenController } from './serviceaccount';
import { createNodeLifecycleController } from './node-lifecycle';
import { createTaintEvictionController } from './taint-eviction';
import { createDisruptionController } from './disruption';
import { createPvBinderController } from './pv-binder';
import { createLocalPathProvisioner } from './local-path-provisioner';
import { createReplicaSetController } from './replicaset';
import { createReplicationControllerController } from './replication-controller';
import { createDeploymentController } from './deployment';
import { createHpaController } from './hpa';
import { createResourceQuotaController } from './resourcequota';
import { createStatefulSetController } from './statefulset';
import { createDaemonSetController } from './daemonset';
import { createJobController } from './job';
import { createCronJobController } from './cronjob';
import { createGarbageCollector } from './garbage-collector';
import { createNamespaceController } from './namespace-lifecycle';
import { createClusterRoleAggregationController } from './clusterrole-aggregation';

export type ControllerFactory = (deps: ControllerDeps) => Controller;

/**
 * Every controller the manager runs, by name (kube-controller-manager's --controllers names where
 * they exist). Keyed so a manager limited with `only` builds just those: building one registers
 * its informer handlers, which would run it.
 */
export const controllerFactories: Record<string, ControllerFactory> = {
  replicaset: createReplicaSetController,
  replicationcontroller: createReplicationControllerController,
  deployment: createDeploymentController,
  endpoints: createEndpointsController,
  endpointslice: createEndpointSliceController,
  serviceaccount: createServiceAccountController,
  'serviceaccount-token': createServiceAccountTokenController,
  'node-lifecycle': (d) => createNodeLifecycleController(d),
  'taint-eviction': createTaintEvictionController,
  disruption: createDisruptionController,
  'pv-binder': createPvBinderController,
  'local-path-provisioner': createLocalPathProvisioner,
  horizontalpodautoscaling: (d) => createHpaController(d),
  resourcequota: (d) => createResourceQuotaController(d),
  statefulset: createStatefulSetController,
  daemonset: createDaemonSetController,
  job: (d) => createJobController(d),
  cronjob: createCronJobController,
  garbagecollector: (d) => createGarbageCollector(d),
  namespace: (d) => createNamespaceController(d),
  'clusterrole-aggregation': createClusterRoleAggregationController,
  bootstrapsigner: createBootstrapSignerController,
  tokencleaner: createTokenCleanerController,
  csrapproving: createCsrApprovingController,
  csrsigning: createCsrSigningController,
};

/**
 * The ServiceAccount (kube-system) each controller writes as when the manager is given
 * `clientFor`, as kube-controller-manager with --use-service-account-credentials: upstream's
 * names, whose system:controller:<name> roles the API server binds (authz/controller-policy.ts).
 * Absent: the manager's own identity (upstream's token controller uses the root client too).
 */
export const controllerAccounts: Record<string, string> = {
  replicaset: 'replicaset-controller',
  replicationcontroller: 'replication-controller',
  deployment: 'deployment-controller',
  endpoints: 'endpoint-controller',
  endpointslice: 'endpointslice-controller',
  serviceaccount: 'service-account-controller',
  'node-lifecycle': 'node-controller',
  'taint-eviction': 'node-controller',
  disruption: 'disruption-controller',
  'pv-binder': 'persistent-volume-binder',
  'local-path-provisioner': 'local-path-provisioner',
  horizontalpodautoscaling: 'horizontal-pod-autoscaler',
  resourcequota: 'resourcequota-controller',
  statefulset: 'statefulset-controller',
  daemonset: 'daemon-set-controller',
  job: 'job-controller',
  cronjob: 'cronjob-controller',
  garbagecollector: 'generic-garbage-collector',
  namespace: 'namespace-controller',
  'clusterrole-aggregation': 'clusterrole-aggregation-controller',
  bootstrapsigner: 'bootstrap-signer',
  tokencleaner: 'token-cleaner',
  csrapproving: 'certificate-controller',
  csrsigning: 'certificate-controller',
};

/** These two walk every stored resource, so they run only when the manager is given the list. */
const needResources = new Set(['garbagecollector', 'namespace']);

export interface ControllerManagerOptions {
  /** The manager's own identity: shared informers, events, the token controller. */
  client: KubeClient;
  /** A client acting as kube-system's ServiceAccount `name`: each controller writes as its own. */
  clientFor?: (serviceAccount: string) => KubeClient;
  log?: (line: string) => void;
  now?: () => Date;
  /** Limit to these controller names (tests); default all. */
  only?: string[];
  dataDir?: string;
  metrics?: MetricsSource;
  serviceAccountTokens?: ControllerDeps['serviceAccountTokens'];
  caCert?: string;
  caKey?: string;
  accessReview?: ControllerDeps['accessReview'];
  apiServerAddress?: string;
  /** Every stored resource: turns on the garbage collector and namespace deletion. */
  resources?: ControllerDeps['resources'];
}

export async function startControllerManager(opts: ControllerManagerOptions) {
  const log = opts.log ?? (() => {});
  const now = opts.now ?? (() => new Date());
  const informers = createInformerFactory(opts.client, log, { holdHandlersUntilSynced: true });
  const events = createEventRecorder({ client: opts.client, component: 'skiff-controller-manager', now, log });
  const deps: ControllerDeps = {
    client: opts.client,
    informers,
    events,
    log,
    now,
    dataDir: opts.dataDir,
    metrics: opts.metrics,
    serviceAccountTokens: opts.serviceAccountTokens,
    caCert: opts.caCert,
    caKey: opts.caKey,
    accessReview: opts.accessReview,
    apiServerAddress: opts.apiServerAddress,
    resources: opts.resources,
  };
  const names = Object.keys(controllerFactories).filter(
    (n) => (!opts.only || opts.only.includes(n)) && (opts.resources || !needResources.has(n)),
  );
  const { clientFor } = opts;
  const controllers = names.map((n) => {
    const account = controllerAccounts[n];
    if (!clientFor || !account) return controllerFactories[n](deps);
    return controllerFactories[n]({ ...deps, client: clientFor(account), clientAs: clientFor });
  });
  for (const c of controllers) await c.start();
  await informers.start();
  return {
    controllers,
    events,
    stop() {
      for (const c of controllers) c.stop();
      informers.stop();
    },
  };
}
