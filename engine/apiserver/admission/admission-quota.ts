// ResourceQuota admission: a new namespaced object is refused with 403 when it would take a
// quota past spec.hard, worded as upstream ("exceeded quota: q, requested: pods=1, used: pods=2,
// limited: pods=2"). Admitted usage is charged to the quota's status.used at once (compare-and-
// swap, re-checked on each retry), so a burst of creates cannot overrun the quota before the
// usage controller recounts.
import type { KindDef, KubeObject } from '../../kinds/types';
import { parseQuantity } from '../../apimachinery/quantity';
import { validateObjectMeta } from '../../kinds/validation/validation';
import { nameKindOf } from '../../kinds/defs/registry';
import { errors } from '../status';
import type { AdmissionPlugin, AdmissionStorage } from './admission-chain';
import { formatResource, isBinaryText } from '../../apimachinery/quantity-format';
import { formatUsage, namespaceUsage, objectUsage, podInScope, quotaTracks, type Usage } from '../../kinds/quota-usage';
import type { Container } from '../../apimachinery/pod-types';

const pretty = (m: Record<string, string>) =>
  Object.keys(m)
    .sort()
    .map((k) => `${k}=${m[k]}`)
    .join(',');

/** Containers that lack a request/limit a compute quota insists on ("must specify ..."). */
function missingCompute(quota: KubeObject, pod: KubeObject): string[] {
  const hard = Object.keys(quota.spec?.hard ?? {});
  const out: string[] = [];
  for (const name of hard.sort()) {
    const m = /^(requests|limits)\.(cpu|memory)$/.exec(name) ?? (/^(cpu|memory)$/.exec(name) ? [name, 'requests', name] : null);
    if (!m) continue;
    const [, field, res] = m;
    const lacking = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
      .filter((c: Container) => c.resources?.[field as 'requests' | 'limits']?.[res] === undefined)
      .map((c: Container) => c.name);
    if (lacking.length) out.push(`${name} for: ${lacking.join(',')}`);
  }
  return out;
}

export function createQuotaAdmission(storage: AdmissionStorage): AdmissionPlugin {
  return {
    name: 'ResourceQuota',
    appliesTo: (def: KindDef) => def.namespaced,
    // No ResourceQuota anywhere (and the cache knows it): nothing to charge.
    idle: () => storage.countNow?.('', 'v1', 'resourcequotas') === 0,
    async admit(def: KindDef, obj: KubeObject, old: KubeObject | undefined, dryRun: boolean) {
      if (old || !def.namespaced) return;
      const ns = obj.metadata.namespace!;
      const quotas = await storage.list('', 'v1', 'resourcequotas', ns);
      if (quotas.length === 0) return;
      const isPod = def.group === '' && def.plural === 'pods';
      const delta = objectUsage(def.group, def.plural, obj);
      const what = `${def.plural} "${obj.metadata.name ?? ''}" is forbidden`;
      let validated = false;
      for (const quota of quotas) {
        if (!quotaTracks(quota, def.group, def.plural)) continue;
        if (isPod && !podInScope(quota, obj)) continue;
        const hard: Record<string, unknown> = quota.spec?.hard ?? {};
        const charged = Object.keys(delta).filter((k) => k in hard);
        if (isPod) {
          const missing = missingCompute(quota, obj);
          if (missing.length) throw errors.forbidden(`${what}: failed quota: ${quota.metadata.name}: must specify ${missing.join('; ')}`);
        }
        if (charged.length === 0) continue;
        // Creates that the store or validation will refuse must not be charged (nothing would
        // give the usage back until the next recount).
        if (!validated) {
          validated = true;
          const invalid = validateObjectMeta(obj, def.namespaced, nameKindOf(def)).length > 0 || (def.validate?.(obj) ?? []).length > 0;
          if (invalid || (obj.metadata.name && (await storage.exists(def.group, def.version, def.plural, ns, obj.metadata.name)))) return;
        }
        const check = async (q: KubeObject): Promise<Record<string, string>> => {
          let used: Usage = {};
          const known = q.status?.used ?? {};
          if (charged.some((k) => known[k] === undefined)) used = await namespaceUsage(q, storage.list);
          for (const k of charged) if (known[k] !== undefined) used[k] = parseQuantity(known[k]) ?? 0;
          const exceeded = charged.filter((k) => (used[k] ?? 0) + delta[k] > (parseQuantity(hard[k]) ?? 0));
          if (exceeded.length) {
            const fmt = (k: string, v: number) => formatResource(k, v, isBinaryText(hard[k]) || undefined);
            const requested = Object.fromEntries(exceeded.map((k) => [k, fmt(k, delta[k])]));
            const usedNow = Object.fromEntries(exceeded.map((k) => [k, fmt(k, used[k] ?? 0)]));
            const limited = Object.fromEntries(exceeded.map((k) => [k, fmt(k, parseQuantity(hard[k]) ?? 0)]));
            throw errors.forbidden(
              `${what}: exceeded quota: ${q.metadata.name}, requested: ${pretty(requested)}, used: ${pretty(usedNow)}, limited: ${pretty(limited)}`,
            );
          }
          const next: Usage = {};
          for (const [k, v] of Object.entries<string>(known)) next[k] = parseQuantity(v) ?? 0;
          for (const k of charged) next[k] = (used[k] ?? 0) + delta[k];
          return formatUsage(next, hard);
        };
        if (dryRun) {
          await check(quota);
          continue;
        }
        await storage.mutateStatus('', 'v1', 'resourcequotas', ns, quota.metadata.name!, async (cur) => {
          const used = await check(cur);
          return { ...cur, status: { ...(cur.status ?? {}), hard: cur.spec?.hard ?? {}, used } };
        });
      }
    },
  };
}
