// What an object costs against a ResourceQuota, and what a namespace uses in total: shared by
// quota admission (the delta of a new object) and the usage controller (status.used).
// Resource names follow upstream: pods, requests.cpu (and bare cpu), limits.memory, services,
// services.nodeports, persistentvolumeclaims, requests.storage, <class>.storageclass.storage.k8s.io/...,
// count/<resource>[.<group>].
import type { KubeObject } from './types';
import { parseQuantity } from '../apimachinery/quantity';
import { qosClass } from './pod-defaults';
import { formatResource, isBinaryText } from '../apimachinery/quantity-format';
import type { Container } from '../apimachinery/pod-types';

export type Usage = Record<string, number>;

/** How to list objects of one kind in a namespace (the API's own storage, or a client). */
export type ListFn = (group: string, version: string, plural: string, namespace: string) => Promise<KubeObject[]>;

/** Kinds with a named (non count/) quota resource. */
const NAMED: Record<string, string> = {
  '/pods': 'pods',
  '/services': 'services',
  '/configmaps': 'configmaps',
  '/secrets': 'secrets',
  '/persistentvolumeclaims': 'persistentvolumeclaims',
  '/replicationcontrollers': 'replicationcontrollers',
  '/resourcequotas': 'resourcequotas',
};

export const countName = (group: string, plural: string) => (group ? `count/${plural}.${group}` : `count/${plural}`);

const STANDARD = new Set(['cpu', 'memory', 'ephemeral-storage']);

function sumResources(containers: Container[], field: 'requests' | 'limits'): Usage {
  const out: Usage = {};
  for (const c of containers) {
    for (const [k, v] of Object.entries(c.resources?.[field] ?? {})) out[k] = (out[k] ?? 0) + (parseQuantity(v) ?? 0);
  }
  return out;
}

/** Pod requests or limits: sum of app containers, at least the largest init container, plus overhead. */
export function podResources(pod: KubeObject, field: 'requests' | 'limits'): Usage {
  const total = sumResources(pod.spec?.containers ?? [], field);
  for (const c of pod.spec?.initContainers ?? []) {
    for (const [k, v] of Object.entries(sumResources([c], field))) total[k] = Math.max(total[k] ?? 0, v);
  }
  for (const [k, v] of Object.entries<string>(pod.spec?.overhead ?? {})) total[k] = (total[k] ?? 0) + (parseQuantity(v) ?? 0);
  return total;
}

/** Pods that no longer hold resources: finished ones. */
export const podCounts = (pod: KubeObject) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

/** Does a quota's scope apply to this pod? (Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass.) */
export function podInScope(quota: KubeObject, pod: KubeObject): boolean {
  const scopes: string[] = quota.spec?.scopes ?? [];
  const exprs: { scopeName: string; operator: string; values?: string[] }[] = quota.spec?.scopeSelector?.matchExpressions ?? [];
  const terminating = pod.spec?.activeDeadlineSeconds != null;
  const bestEffort = qosClass(pod.spec ?? {}) === 'BestEffort';
  const scopeOk = (s: string) =>
    (
      ({
        Terminating: terminating,
        NotTerminating: !terminating,
        BestEffort: bestEffort,
        NotBestEffort: !bestEffort,
      }) as Record<string, boolean>
    )[s] ?? true;
  if (!scopes.every(scopeOk)) return false;
  for (const e of exprs) {
    if (e.scopeName !== 'PriorityClass') {
      if (!scopeOk(e.scopeName)) return false;
      continue;
    }
    const pc: string | undefined = pod.spec?.priorityClassName || undefined;
    const ok =
      e.operator === 'In'
        ? pc !== undefined && (e.values ?? []).includes(pc)
        : e.operator === 'NotIn'
          ? pc === undefined || !(e.values ?? []).includes(pc)
          : e.operator === 'Exists'
            ? pc !== undefined
            : e.operator === 'DoesNotExist'
              ? pc === undefined
              : true;
    if (!ok) return false;
  }
  return true;
}

/** Whether a quota constrains objects of this kind at all (scoped quotas only track pods). */
export function quotaTracks(quota: KubeObject, group: string, plural: string): boolean {
  const scoped = (quota.spec?.scopes ?? []).length > 0 || (quota.spec?.scopeSelector?.matchExpressions ?? []).length > 0;
  return !scoped || (group === '' && plural === 'pods');
}

/** What one object adds to its namespace's usage. */
export function objectUsage(group: string, plural: string, obj: KubeObject): Usage {
  const u: Usage = { [countName(group, plural)]: 1 };
  const named = group === '' ? NAMED[`/${plural}`] : undefined;
  if (named) u[named] = 1;
  if (group === '' && plural === 'pods') {
    if (!podCounts(obj)) return {};
    for (const [k, v] of Object.entries(podResources(obj, 'requests'))) {
      u[`requests.${k}`] = v;
      if (STANDARD.has(k)) u[k] = v;
    }
    for (const [k, v] of Object.entries(podResources(obj, 'limits'))) u[`limits.${k}`] = v;
  }
  if (group === '' && plural === 'services') {
    const type = obj.spec?.type;
    if (type === 'NodePort' || type === 'LoadBalancer') u['services.nodeports'] = (obj.spec?.ports ?? []).length;
    if (type === 'LoadBalancer') u['services.loadbalancers'] = 1;
  }
  if (group === '' && plural === 'persistentvolumeclaims') {
    const storage = parseQuantity(obj.spec?.resources?.requests?.storage) ?? 0;
    u['requests.storage'] = storage;
    const sc = obj.spec?.storageClassName;
    if (sc) {
      u[`${sc}.storageclass.storage.k8s.io/requests.storage`] = storage;
      u[`${sc}.storageclass.storage.k8s.io/persistentvolumeclaims`] = 1;
    }
  }
  return u;
}

/** The kind a quota resource name counts ("requests.cpu" → pods; "count/deployments.apps" → apps deployments). */
export function kindOfResource(name: string): { group: string; plural: string } | undefined {
  if (name.startsWith('count/')) {
    const rest = name.slice('count/'.length);
    const dot = rest.indexOf('.');
    return dot < 0 ? { group: '', plural: rest } : { group: rest.slice(dot + 1), plural: rest.slice(0, dot) };
  }
  for (const [k, v] of Object.entries(NAMED)) if (v === name) return { group: '', plural: k.slice(1) };
  if (name.startsWith('services.')) return { group: '', plural: 'services' };
  if (name === 'requests.storage' || name.includes('.storageclass.storage.k8s.io/')) return { group: '', plural: 'persistentvolumeclaims' };
  if (name.startsWith('requests.') || name.startsWith('limits.') || STANDARD.has(name)) return { group: '', plural: 'pods' };
  return undefined;
}

const VERSIONS: Record<string, string> = {
  '': 'v1',
  apps: 'v1',
  batch: 'v1',
  'networking.k8s.io': 'v1',
  policy: 'v1',
  'rbac.authorization.k8s.io': 'v1',
  autoscaling: 'v2',
  'discovery.k8s.io': 'v1',
  'coordination.k8s.io': 'v1',
  'storage.k8s.io': 'v1',
};

/** The namespace's usage of every resource a quota names (what status.used shows). */
export async function namespaceUsage(
  quota: KubeObject,
  list: ListFn,
  versionOf: (group: string, plural: string) => string | undefined = (g) => VERSIONS[g],
): Promise<Usage> {
  const ns = quota.metadata.namespace!;
  const hard: Record<string, unknown> = quota.spec?.hard ?? {};
  const byKind = new Map<string, { group: string; plural: string; names: string[] }>();
  const used: Usage = {};
  for (const name of Object.keys(hard)) {
    used[name] = 0;
    const k = kindOfResource(name);
    if (!k) continue;
    const key = `${k.group}/${k.plural}`;
    const entry = byKind.get(key) ?? { ...k, names: [] };
    entry.names.push(name);
    byKind.set(key, entry);
  }
  for (const { group, plural, names } of byKind.values()) {
    if (!quotaTracks(quota, group, plural)) continue;
    const version = versionOf(group, plural);
    if (!version) continue;
    let objs: KubeObject[];
    try {
      objs = await list(group, version, plural, ns);
    } catch {
      continue; // unknown resource: counts as zero, like a kind that has no objects
    }
    for (const o of objs) {
      if (group === '' && plural === 'pods' && !podInScope(quota, o)) continue;
      const u = objectUsage(group, plural, o);
      for (const n of names) used[n] += u[n] ?? 0;
    }
  }
  return used;
}

/** Prints a usage map as quota status does (keeps binary units where the quota used them). */
export function formatUsage(usage: Usage, hard: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(usage)) out[k] = formatResource(k, v, isBinaryText(hard[k]) || undefined);
  return out;
}
