// The garbage collector and namespace lifecycle over one API core. They still work on the store
// beside the API server rather than through the client; the composer (cluster/, test fixtures)
// hands this to the API server as its background loop.
import type { ApiCore } from '../apiserver/api-core';
import { createGarbageCollector } from './garbage-collector';
import { createNamespaceLifecycle } from './namespace-lifecycle';

export function createRegistryControllers(core: ApiCore) {
  const store = core.deps.store;
  const gc = createGarbageCollector({ store, resources: core.resources, locate: core.locate, log: core.log });
  const namespaces = createNamespaceLifecycle({
    store,
    resources: core.resources,
    namespaceDef: core.namespaceDef,
    namespacedKinds: () => core.storedKinds().filter((d) => d.namespaced),
    log: core.log,
  });
  return {
    async start() {
      await gc.start();
      await namespaces.start();
    },
    stop() {
      gc.stop();
      namespaces.stop();
    },
  };
}
