// ResourceQuota usage controller: keeps each quota's status.hard (= spec.hard) and status.used
// (recounted from the namespace's objects) current. Changes to pods, services, configmaps,
// secrets and claims recount the quotas of their namespace; a periodic resync catches the
// count/<resource> of every other kind. Admission charges new objects at once; this controller
// gives back what deleted or finished objects held.
import type { KubeObject } from '../kinds/types';
import { R } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import { keyOf, splitKey } from '../client/informer';
import { formatUsage, namespaceUsage } from '../kinds/quota-usage';
import type { Controller, ControllerDeps } from './types';

export interface ResourceQuotaControllerOptions {
  /** Full recount interval (default 30 s). */
  resyncMs?: number;
}

const sameMap = (a: Record<string, string> | undefined, b: Record<string, string>) => {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b).length && ak.every((k) => a![k] === b[k]);
};

export function createResourceQuotaController(deps: ControllerDeps, opts: ResourceQuotaControllerOptions = {}): Controller {
  const { client, informers, log } = deps;
  const quotas = informers.informer(R.resourcequotas);
  const watched = [R.pods, R.services, R.configmaps, R.secrets, R.persistentvolumeclaims, R.replicationcontrollers].map((r) =>
    informers.informer(r),
  );
  let resync: NodeJS.Timeout | undefined;

  const queue = createWorkQueue({
    sync,
    onError: (key, err) => log(`resourcequota ${key}: ${(err as Error).message}`),
  });

  function enqueueNamespace(obj: KubeObject) {
    const ns = obj.metadata.namespace;
    for (const q of quotas.list()) if (q.metadata.namespace === ns) queue.add(keyOf(q));
  }

  async function sync(key: string) {
    const { ns, name } = splitKey(key);
    const cached = quotas.get(ns, name);
    if (!cached || cached.metadata.deletionTimestamp) return;
    const hard: Record<string, string> = cached.spec?.hard ?? {};
    const usage = await namespaceUsage(
      cached,
      async (group, version, plural, ns) => (await client.list({ group, version, plural }, ns)).items,
    );
    const used = formatUsage(usage, hard);
    if (sameMap(cached.status?.hard, hard) && sameMap(cached.status?.used, used)) return;
    const next = structuredClone(cached);
    next.status = { hard: { ...hard }, used };
    // A 409 (admission charged the quota meanwhile) fails this sync; the queue retries on fresh data.
    await client.update(R.resourcequotas, next.metadata.namespace, next, { subresource: 'status' });
  }

  return {
    name: 'resourcequota',
    start() {
      quotas.addHandlers({
        add: (q) => queue.add(keyOf(q)),
        update: (a, b) => {
          if (a.metadata.generation !== b.metadata.generation || !sameMap(b.status?.hard, b.spec?.hard ?? {})) queue.add(keyOf(b));
        },
      });
      for (const inf of watched) {
        inf.addHandlers({
          add: enqueueNamespace,
          // Only what changes usage: a pod finishing, a claim resized, a service changing type.
          update: (a, b) => {
            if (
              a.status?.phase !== b.status?.phase ||
              a.metadata.deletionTimestamp !== b.metadata.deletionTimestamp ||
              JSON.stringify(a.spec?.resources) !== JSON.stringify(b.spec?.resources) ||
              a.spec?.type !== b.spec?.type
            )
              enqueueNamespace(b);
          },
          delete: enqueueNamespace,
        });
      }
      resync = setInterval(() => quotas.list().forEach((q) => queue.add(keyOf(q))), opts.resyncMs ?? 30_000);
      resync.unref?.();
    },
    stop() {
      if (resync) clearInterval(resync);
      queue.stop();
    },
  };
}
