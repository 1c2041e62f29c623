// One shared informer per resource (and namespace/selector), so the controllers, the
// scheduler and kubelets in one process watch each resource once.
import type { KubeClient, ResourceRef } from './types';
import { createInformer, type Informer, type InformerHandlers, type InformerOptions } from './informer';

export interface InformerFactory {
  /** The shared informer for a resource; created (not started) on first use. */
  informer(res: ResourceRef, opts?: Pick<InformerOptions, 'namespace' | 'labelSelector' | 'fieldSelector'>): Informer;
  /** Starts every informer created so far (and later ones as they are created); resolves when all synced. */
  start(): Promise<void>;
  stop(): void;
}

export interface InformerFactoryOptions {
  /**
   * Handlers see nothing until every informer has synced (client-go's WaitForCacheSync before
   * workers start): then each gets the cached objects as adds, in registration order. Without
   * it, a controller whose own kind lists first would act on an empty cache of its dependents
   * (a ReplicaSet seeing none of its pods yet creates them all again).
   */
  holdHandlersUntilSynced?: boolean;
}

export function createInformerFactory(client: KubeClient, log?: (line: string) => void, o: InformerFactoryOptions = {}): InformerFactory {
  const informers = new Map<string, Informer>();
  let started = false;
  let released = !o.holdHandlersUntilSynced;
  const held: { inf: Informer; h: InformerHandlers }[] = [];
  const hold = (inf: Informer): Informer =>
    released
      ? inf
      : {
          ...inf,
          addHandlers(h) {
            if (released) inf.addHandlers(h);
            else held.push({ inf, h });
          },
        };
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
        inf = hold(createInformer(client, res, { ...opts, log }));
        informers.set(key, inf);
        if (started) inf.start().catch((e) => log?.(`informer ${res.plural}: ${e.message}`));
      }
      return inf;
    },
    async start() {
      started = true;
      await Promise.all([...informers.values()].filter((i) => !i.hasSynced()).map((i) => i.start()));
      if (released) return;
      released = true;
      // One synchronous pass: no watch event interleaves between a replay and its registration.
      for (const { inf, h } of held.splice(0)) {
        for (const obj of inf.list()) h.add?.(obj);
        inf.addHandlers(h);
      }
    },
    stop() {
      for (const i of informers.values()) i.stop();
    },
  };
}
