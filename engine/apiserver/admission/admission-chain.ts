// The API server's admission chain, in kube-apiserver's order: mutating plugins (ServiceAccount,
// LimitRanger, Priority), the Service allocator, then ResourceQuota last so it charges the final object.
// Plugins read what they need (quotas, limit ranges, priority classes) from the API's own
// storage; resource-store.ts calls `admit` after defaults and before validation.
import type { KindDef, KubeObject } from '../../kinds/types';
import type { Store } from '../../store/types';
import type { Admission, Resources } from '../resource-store';
import { objectKey, resourcePrefix } from '../storage-keys';
import { createPrefixCache, type PrefixCache } from '../prefix-cache';
import { createPriorityAdmission } from './admission-priority';
import { createLimitRangeAdmission } from './admission-limitrange';
import { createQuotaAdmission } from './admission-quota';
import { createDefaultStorageClassAdmission } from './admission-storageclass';
import { createDefaultIngressClassAdmission } from './admission-ingressclass';
import { createServiceAccountAdmission } from './admission-serviceaccount';
import { createPodSecurityAdmission, type PodSecurityDeps } from './pod-security/plugin';
import { createWebhookPlugins, WEBHOOK_CACHED } from './webhook/webhook-plugins';
import { createNodeRestrictionAdmission } from './node-restriction';
import { createCsrRequesterAdmission } from './csr-requester';
import { createCsrSignerAdmission } from './csr-signers';
import { createPolicyAdmission, type PolicyAdmissionDeps } from './policy/policy-admission';

export interface AdmissionPlugin extends Admission {
  name: string;
}

/** Reads and status writes plugins may do, by resource (group, version, plural). */
export interface AdmissionStorage {
  list(group: string, version: string, plural: string, namespace?: string): Promise<KubeObject[]>;
  /** One object, or undefined when there is none (from the watch cache when the kind has one). */
  get(group: string, version: string, plural: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  /** How many objects of a cached kind exist, when that is known at once (the cache is loaded);
   *  undefined otherwise. Plugins use it to tell cheaply that they have nothing to do. */
  countNow?(group: string, version: string, plural: string): number | undefined;
  /** Whether an object exists (creates that will fail with AlreadyExists are not charged). */
  exists(group: string, version: string, plural: string, namespace: string | undefined, name: string): Promise<boolean>;
  /** Read-modify-write of an object's status (retried on conflicts; `change` may throw to refuse). */
  mutateStatus(
    group: string,
    version: string,
    plural: string,
    namespace: string | undefined,
    name: string,
    change: (cur: KubeObject) => Promise<KubeObject> | KubeObject,
  ): Promise<void>;
}

export interface AdmissionKinds {
  byResource(group: string, version: string, plural: string): KindDef | undefined;
  /** For ValidatingAdmissionPolicy paramKind; without it, policies with params find none. */
  byKind?(group: string, kind: string, version?: string): KindDef | undefined;
}

/** Kinds read on every create: served from watch-fed caches when a store is given. */
const CACHED = [
  '/resourcequotas',
  '/limitranges',
  '/serviceaccounts',
  'scheduling.k8s.io/priorityclasses',
  'storage.k8s.io/storageclasses',
  'networking.k8s.io/ingressclasses',
  ...WEBHOOK_CACHED,
  'admissionregistration.k8s.io/validatingadmissionpolicies',
  'admissionregistration.k8s.io/validatingadmissionpolicybindings',
];

/**
 * Storage over the API's Resources; `resources` is a thunk because admission is built before
 * them. With `store`, quotas, limit ranges and priority classes are read from watch caches.
 */
export function createAdmissionStorage(
  kinds: AdmissionKinds,
  resources: () => Resources,
  store?: Store,
): AdmissionStorage & { stop(): void } {
  const def = (group: string, version: string, plural: string) => {
    const d = kinds.byResource(group, version, plural);
    if (!d) throw new Error(`admission: unknown resource ${plural}.${group}/${version}`);
    return d;
  };
  const caches = new Map<string, PrefixCache>();
  // Per resource, resolved once: admission lists on every write, so the lookups are kept.
  const sources = new Map<string, { d: KindDef; cache?: PrefixCache }>();
  const source = (group: string, version: string, plural: string) => {
    const key = `${group}/${version}/${plural}`;
    let s = sources.get(key);
    if (s) return s;
    const d = def(group, version, plural);
    const id = `${group}/${plural}`;
    let cache: PrefixCache | undefined;
    if (store && CACHED.includes(id)) {
      cache = caches.get(id);
      if (!cache) caches.set(id, (cache = createPrefixCache(store, resourcePrefix(d))));
    }
    sources.set(key, (s = { d, cache }));
    return s;
  };
  return {
    async list(group, version, plural, namespace) {
      const { d, cache } = source(group, version, plural);
      const ns = d.namespaced ? namespace : undefined;
      if (cache) return cache.list(resourcePrefix(d, ns));
      return (await resources().list(d, ns)).items;
    },
    async get(group, version, plural, namespace, name) {
      const { d, cache } = source(group, version, plural);
      const ns = d.namespaced ? namespace : undefined;
      if (cache) return cache.get(objectKey(d, ns, name));
      return resources()
        .get(d, ns, name)
        .catch(() => undefined);
    },
    countNow(group, version, plural) {
      return source(group, version, plural).cache?.loadedSize();
    },
    async exists(group, version, plural, namespace, name) {
      const d = def(group, version, plural);
      try {
        await resources().get(d, d.namespaced ? namespace : undefined, name);
        return true;
      } catch {
        return false;
      }
    },
    async mutateStatus(group, version, plural, namespace, name, change) {
      const d = def(group, version, plural);
      await resources().mutate(d, namespace, name, change, { subresource: 'status' });
    },
    stop() {
      for (const c of caches.values()) c.stop();
      caches.clear();
      sources.clear();
    },
  };
}

interface Steps {
  all: Admission[];
  valid: Admission[];
  deleting: Admission[];
  connecting: Admission[];
  releasing: Admission[];
}

/** Runs plugins in order; `released` goes to every plugin that has one. */
export function chainAdmission(plugins: Admission[]): Admission {
  // Each step only over the plugins that have it and that may act on the kind (asked once per
  // kind): every write runs these, so no empty awaits.
  const byDef = new WeakMap<KindDef, Steps>();
  const steps = (def: KindDef): Steps => {
    let s = byDef.get(def);
    if (!s) {
      const all = plugins.filter((p) => p.appliesTo?.(def) ?? true);
      s = {
        all,
        valid: all.filter((p) => p.admitValid !== undefined),
        deleting: all.filter((p) => p.admitDelete !== undefined),
        connecting: all.filter((p) => p.admitConnect !== undefined),
        releasing: all.filter((p) => p.released !== undefined),
      };
      byDef.set(def, s);
    }
    return s;
  };
  return {
    appliesTo: (def) => steps(def).all.length > 0,
    async admit(def, obj, old, dryRun, request, subresource) {
      for (const p of steps(def).all) if (!p.idle?.()) await p.admit(def, obj, old, dryRun, request, subresource);
    },
    async admitValid(def, obj, old, dryRun, request, subresource) {
      for (const p of steps(def).valid) if (!p.idle?.()) await p.admitValid!(def, obj, old, dryRun, request, subresource);
    },
    async admitDelete(def, obj, dryRun, request) {
      for (const p of steps(def).deleting) if (!p.idle?.()) await p.admitDelete!(def, obj, dryRun, request);
    },
    async admitConnect(def, target, options, subresource, request) {
      for (const p of steps(def).connecting) if (!p.idle?.()) await p.admitConnect!(def, target, options, subresource, request);
    },
    released(def, obj) {
      for (const p of steps(def).releasing) p.released!(def, obj);
    },
  };
}

/**
 * The default chain around the existing Service allocator. Wired in api-core.ts as
 * `admission: createDefaultAdmission(kinds, () => resources, services, store)`; its `stop()`
 * closes the caches' watches (call it from the core's stop).
 */
export function createDefaultAdmission(
  kinds: AdmissionKinds,
  resources: () => Resources,
  services: Admission,
  store?: Store,
  podSecurity?: PodSecurityDeps['config'],
  log?: (line: string) => void,
  authorize?: PolicyAdmissionDeps['authorize'],
): Admission & { stop(): void; namespace(name: string): Promise<KubeObject | undefined> } {
  const storage = createAdmissionStorage(kinds, resources, store);
  // Dynamic admission webhooks: mutating after the built-in mutating plugins; validating ones
  // (admitValid/admitDelete/admitConnect only) see the object after it passed validation, as upstream.
  const webhooks = createWebhookPlugins(storage, log, authorize);
  // Pod Security reads the pod's namespace on every pod write: from the namespaces' watch cache.
  const getNamespace = (name: string) => storage.get('', 'v1', 'namespaces', undefined, name).catch(() => undefined);
  // ValidatingAdmissionPolicy: bindings and policies from watch caches (nothing to do while none exist).
  const policies = createPolicyAdmission({
    policies: () => storage.list('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies'),
    bindings: () => storage.list('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicybindings'),
    namespace: getNamespace,
    async params(apiVersion, kind, namespace) {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      const def = kinds.byKind?.(group, kind, version);
      return def ? storage.list(group, def.version, def.plural, namespace) : [];
    },
    authorize,
    log,
  });
  // Nothing to evaluate while no binding exists (and the bindings' cache knows it).
  const policiesIdle = () => storage.countNow?.('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicybindings') === 0;
  const chain = chainAdmission([
    // Kubelets write only their own Node, Lease and pods' status (before anything mutates).
    createNodeRestrictionAdmission(),
    createCsrRequesterAdmission(),
    createServiceAccountAdmission(storage),
    createLimitRangeAdmission(storage),
    createPriorityAdmission(storage),
    createDefaultStorageClassAdmission(storage),
    createDefaultIngressClassAdmission(storage),
    webhooks.mutating,
    services,
    // Validating, before quota charges: sees the final pod. No config = no Pod Security.
    ...(podSecurity
      ? [createPodSecurityAdmission({ config: podSecurity, getNamespace, listPods: (ns) => storage.list('', 'v1', 'pods', ns) })]
      : []),
    // approve/sign on the CSR's signer; no system:masters client certificates.
    createCsrSignerAdmission(authorize),
    { ...policies, idle: policiesIdle },
    webhooks.validating,
    createQuotaAdmission(storage),
  ]);
  return { ...chain, namespace: getNamespace, stop: () => storage.stop() };
}
