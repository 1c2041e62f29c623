// For fixtures that serve an API core without the rest of a cluster: the controller manager
// with only the garbage collector and namespace deletion, so cascading and namespace deletes
// behave as in a cluster.
import type { ApiCore } from '../../apiserver/api-core';
import { createInProcessClient } from '../../apiserver/in-process-client';
import { storedResources } from '../../apiserver/stored-resources';
import { startControllerManager } from '../manager';

export const LIFECYCLE_CONTROLLERS = ['garbagecollector', 'namespace'];

export async function startLifecycleControllers(core: ApiCore) {
  return startControllerManager({
    client: createInProcessClient(core),
    resources: storedResources(core),
    only: LIFECYCLE_CONTROLLERS,
    log: core.log,
  });
}
