// One shared informer per resource (and namespace/selector), so the controllers, the
// scheduler and kubelets in one process watch each resource once.
import type { KubeClient, ResourceRef } from './types';
import { createInformer, type Informer, type InformerOptions } from './informer';

export interface InformerFactory {
  /** The shared informer for a resource; created (not started) on first use. */
  informer(res: ResourceRef, opts?: Pick<InformerOptions, 'namespace' | 'labelSelector' | 'fieldSelector'>): Informer;
  /** Starts every informer created so far (and later ones as they are created); resolves when all synced. */
  start(): Promise<void>;
  stop(): void;
}

export function createInformerFactory(client: KubeClient, log?: (line: string) => void): InformerFactory {
  const informers = new Map<string, Informer>();
  let started = false;
  return {
    informer(res, opts = {}) {
      const key = JSON.stringify([
        res.group,
        res.version,
        res.plural,
        opts.namespace ?? '',
        opts.labelSelector ?? '',
        opts.fieldSelector ?? '',
      ]);
      let inf = informers.get(key);
      if (!inf) {
        inf = createInformer(client, res, { ...opts, log });
        informers.set(key, inf);
        if (started) inf.start().catch((e) => log?.(`informer ${res.plural}: ${e.message}`));
      }
      return inf;
    },
    async start() {
      started = true;
      await Promise.all([...informers.values()].filter((i) => !i.hasSynced()).map((i) => i.start()));
    },
    stop() {
      for (const i of informers.values()) i.stop();
    },
  };
}
