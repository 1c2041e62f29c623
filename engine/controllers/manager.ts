// The controller manager: builds every controller over one client and one informer factory,
// registers them, then starts the shared informers.
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
import { createClusterRoleAggregationController } from './clusterrole-aggregation';

export type ControllerFactory = (deps: ControllerDeps) => Controller;

/** Every controller the manager runs. Each file adds its factory here (one line each). */
export const controllerFactories: ControllerFactory[] = [
  createReplicaSetController,
  createReplicationControllerController,
  createDeploymentController,
  createEndpointsController,
  createEndpointSliceController,
  createServiceAccountController,
  createServiceAccountTokenController,
  (d) => createNodeLifecycleController(d),
  createTaintEvictionController,
  createDisruptionController,
  createPvBinderController,
  createLocalPathProvisioner,
  (d) => createHpaController(d),
  (d) => createResourceQuotaController(d),
  createStatefulSetController,
  createDaemonSetController,
  (d) => createJobController(d),
  createCronJobController,
  createClusterRoleAggregationController,
];

export interface ControllerManagerOptions {
  client: KubeClient;
  log?: (line: string) => void;
  now?: () => Date;
  /** Limit to these controller names (tests); default all. */
  only?: string[];
  dataDir?: string;
  metrics?: MetricsSource;
  serviceAccountTokens?: ControllerDeps['serviceAccountTokens'];
  caCert?: string;
  apiServerAddress?: string;
}

export async function startControllerManager(opts: ControllerManagerOptions) {
  const log = opts.log ?? (() => {});
  const now = opts.now ?? (() => new Date());
  const informers = createInformerFactory(opts.client, log);
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
    apiServerAddress: opts.apiServerAddress,
  };
  const controllers = controllerFactories.map((f) => f(deps)).filter((c) => !opts.only || opts.only.includes(c.name));
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
