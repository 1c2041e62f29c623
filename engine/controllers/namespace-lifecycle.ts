// Namespace deletion: once a namespace is Terminating, delete everything in it, then drop the
// `kubernetes` finalizer (through namespaces/finalize) so the namespace itself goes. Like
// kube-controller-manager's namespace controller, it works through the client over the list of
// stored resources it is given.
import { R } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import type { KubeObject } from '../kinds/types';
import type { Informer } from '../client/informer';
import type { Controller, ControllerDeps } from './types';
import { ignoreNotFound } from './util/not-found';

export interface NamespaceControllerOptions {
  /** How soon to look again while content remains. */
  recheckMs?: number;
}

export function createNamespaceController(deps: ControllerDeps, opts: NamespaceControllerOptions = {}): Controller {
  const { client, log } = deps;
  const resources = deps.resources ?? (() => []);
  // Informers are made in start(): a manager limited to other controllers must not watch for this one.
  let namespaces: Informer | undefined;
  const queue = createWorkQueue({ sync, onError: (name, e) => log(`namespace ${name}: ${(e as Error).message}`) });

  const consider = (ns: KubeObject) => {
    if (ns.metadata.deletionTimestamp) queue.add(ns.metadata.name!);
  };

  async function sync(name: string) {
    const ns = namespaces?.get(undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    if (await deleteContent(name)) {
      queue.addAfter(name, opts.recheckMs ?? 1000);
      return;
    }
    const fresh = await client.get(R.namespaces, undefined, name).catch(ignoreNotFound);
    const finalizers: string[] = fresh?.spec?.finalizers ?? [];
    if (!fresh || !finalizers.includes('kubernetes')) return;
    fresh.spec = { ...fresh.spec, finalizers: finalizers.filter((f) => f !== 'kubernetes') };
    await client.update(R.namespaces, undefined, fresh, { subresource: 'finalize' }).catch(ignoreNotFound);
  }

  /** Deletes what the namespace holds; returns how many objects remain (some still finalizing). */
  async function deleteContent(name: string): Promise<number> {
    let remaining = 0;
    for (const res of resources().filter((r) => r.namespaced)) {
      const { items } = await client.list(res, name);
      for (const item of items) {
        remaining++;
        if (item.metadata.deletionTimestamp) continue;
        await client.delete(res, name, item.metadata.name!, { propagationPolicy: 'Background' }).catch(ignoreNotFound);
      }
    }
    return remaining;
  }

  return {
    name: 'namespace',
    start() {
      namespaces = deps.informers.informer(R.namespaces);
      namespaces.addHandlers({ add: consider, update: (_, ns) => consider(ns) });
    },
    stop() {
      queue.stop();
    },
  };
}
