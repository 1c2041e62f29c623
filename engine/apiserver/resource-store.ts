// Generic storage for every kind (k8s.io/apiserver's genericregistry, desktop-sized):
// create/get/list/update/delete over the Store, with defaults, validation, strategy,
// optimistic concurrency, finalizers and graceful deletion. Handlers and in-process
// controllers both go through here, so the rules hold for every writer.
import type { KindDef, KubeObject, FieldError } from '../kinds/types';
import { ConflictError, KeyExistsError, NotFoundError, type Store, type KeyValue } from '../store/types';
import { errors, ApiError } from './status';
import { createResourceLists } from './discovery/resource-lists';
import { present, presentAll, toStorageVersion, type Converter } from './crd/conversion-webhook';
import { decodeObject, encodeObject, jsonHead, objectKey, storedJson } from './storage-keys';
import type { FieldManager } from './field-manager';
import { withKind, toStored, prepareCreateMeta, prepareUpdateMeta, rfc3339, deepEqual } from './object-meta';
import type { AdmissionRequest } from './admission/admission-request';

export type ObjectFilter = (obj: KubeObject) => boolean;

export interface ListOptions {
  filter?: ObjectFilter;
  limit?: number;
  continueToken?: string;
  /** Pin the read to this revision (used by continue tokens). */
  revision?: number;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** 'status' writes only .status, 'finalize' only a namespace's spec.finalizers, 'binding' only
   *  spec.nodeName and .status (the scheduler's bind); otherwise .status is kept from the stored object. */
  subresource?: 'status' | 'finalize' | 'binding' | 'ephemeralcontainers' | 'approval';
  /** The HTTP write being made (its user and warnings), for admission; none in-process. */
  request?: AdmissionRequest;
  /** The writer recorded in managedFields as an Update (none: ownership is left as it was). */
  fieldManager?: string;
  /** managedFields computed by a server-side apply, stored as they are. */
  appliedFields?: unknown[];
  /**
   * Admission sees this view of the object instead, as `subresource` (upstream's subresource
   * storage with its own kind: <resource>/scale admits the Scale); `apply` writes a mutating
   * plugin's changes of the view back into the object.
   */
  admitAs?: AdmittedView;
}

export interface AdmittedView {
  subresource: string;
  view(obj: KubeObject): KubeObject;
  apply(obj: KubeObject, view: KubeObject): void;
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  /** The HTTP delete being made, for admission; none in-process. */
  request?: AdmissionRequest;
}

export interface Admission {
  /**
   * False when the plugin never acts on `def`'s objects, whatever the request: the chain then
   * skips it for that kind (asked once per kind). Absent: it may act on any kind.
   */
  appliesTo?(def: KindDef): boolean;
  /**
   * True while the plugin has nothing to do for any request (no webhook, policy or quota
   * exists): the chain skips it for that request. Synchronous and cheap: asked on every write.
   */
  idle?(): boolean;
  /** Runs after defaults and before validation; may reject with an ApiError or fill fields (e.g. clusterIP). */
  admit(
    def: KindDef,
    obj: KubeObject,
    old: KubeObject | undefined,
    dryRun: boolean,
    request?: AdmissionRequest,
    subresource?: string,
  ): Promise<void>;
  /** Validating admission: runs once the object passed validation; may only reject. */
  admitValid?(
    def: KindDef,
    obj: KubeObject,
    old: KubeObject | undefined,
    dryRun: boolean,
    request?: AdmissionRequest,
    subresource?: string,
  ): Promise<void>;
  /** Runs before an object is deleted (or marked for deletion); may reject. */
  admitDelete?(def: KindDef, obj: KubeObject, dryRun: boolean, request?: AdmissionRequest): Promise<void>;
  /** CONNECT to a subresource (pods/exec, attach, portforward): `options` is the request's
   *  PodExecOptions-style object, `target` the pod; may reject. */
  admitConnect?(def: KindDef, target: KubeObject, options: KubeObject, subresource: string, request?: AdmissionRequest): Promise<void>;
  /** Called after an object is gone (release allocations). */
  released?(def: KindDef, obj: KubeObject): void;
}

export interface ResourceStoreDeps {
  store: Store;
  validateMeta(def: KindDef, obj: KubeObject, old?: KubeObject): FieldError[];
  namespaceExists(name: string): Promise<'active' | 'terminating' | 'missing'>;
  admission?: Admission;
  now?: () => Date;
  /** Keeps metadata.managedFields (field-manager.ts); without it they are dropped. */
  fields?: Pick<FieldManager, 'track'>;
  /** CRD conversion webhooks (crd/conversion-webhook.ts); kinds with one are converted on every read and write. */
  convert?: Converter;
}

export type Resources = ReturnType<typeof createResources>;

export function createResources(deps: ResourceStoreDeps) {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const lists = createResourceLists(store, deps.convert);
  const shown = (def: KindDef, obj: KubeObject) => present(def, obj, deps.convert);
  // Only kinds converted through a webhook wait for the conversion: the rest encode at once.
  const encodeStored = (def: KindDef, obj: KubeObject): string | Promise<string> =>
    def.conversionWebhook && deps.convert
      ? toStorageVersion(def, obj, deps.convert).then((o) => encodeObject(toStored(def, o)))
      : encodeObject(toStored(def, obj));
  const { list, listJsonTexts } = lists;

  async function readKv(def: KindDef, ns: string | undefined, name: string): Promise<KeyValue> {
    const kv = await store.get(objectKey(def, ns, name));
    if (!kv) throw errors.notFound(def.group, def.plural, name);
    return kv;
  }

  async function get(def: KindDef, ns: string | undefined, name: string): Promise<KubeObject> {
    const obj = decodeObject(await readKv(def, ns, name));
    // Kinds without a conversion webhook are shown as stored: no extra turn for every GET.
    return def.conversionWebhook ? shown(def, obj) : withKind(def, obj);
  }

  /** get as JSON text: the stored text with its resourceVersion spliced in, as lists and watches send it. */
  async function getJsonText(def: KindDef, ns: string | undefined, name: string): Promise<string> {
    if (def.conversionWebhook) return JSON.stringify(await get(def, ns, name));
    const kv = await readKv(def, ns, name);
    return storedJson(kv, jsonHead(def)) ?? JSON.stringify(withKind(def, decodeObject(kv)));
  }

  async function create(def: KindDef, ns: string | undefined, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    if (def.namespaced) {
      const state = await deps.namespaceExists(ns!);
      if (state === 'missing') throw errors.notFound('', 'namespaces', ns!);
      if (state === 'terminating') {
        throw errors.forbidden(
          `${def.plural} "${obj.metadata.name ?? obj.metadata.generateName ?? ''}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        );
      }
    }
    const sent = obj.metadata.managedFields;
    prepareCreateMeta(def, obj, ns, now());
    if (def.subresources.status && def.kind !== 'Namespace') delete obj.status;
    def.defaults?.(obj);
    def.prepareForCreate?.(obj);
    await deps.admission?.admit(def, obj, undefined, Boolean(opts.dryRun), opts.request);
    deps.fields?.track(def, undefined, obj, { manager: opts.fieldManager, sent, applied: opts.appliedFields });
    validate(def, obj);
    await deps.admission?.admitValid?.(def, obj, undefined, Boolean(opts.dryRun), opts.request);
    if (opts.dryRun) return withKind(def, obj);
    try {
      const kv = await store.create(objectKey(def, ns, obj.metadata.name!), await encodeStored(def, obj));
      obj.metadata.resourceVersion = String(kv.modRevision);
      return withKind(def, obj);
    } catch (e) {
      if (e instanceof KeyExistsError) throw errors.alreadyExists(def.group, def.plural, obj.metadata.name!);
      throw e;
    }
  }

  /** PUT semantics: the body replaces the object; its resourceVersion, when set, must match. */
  async function update(def: KindDef, ns: string | undefined, name: string, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const want = obj.metadata?.resourceVersion;
    // The body replaces the object: no private copy of the stored one is needed for it.
    return write(def, ns, name, () => obj, opts, want);
  }

  /**
   * Read-modify-write with compare-and-swap. `change` gets a private copy of the current object.
   * Without a client precondition a lost race is retried by re-reading, as the apiserver does for patches.
   */
  function mutate(
    def: KindDef,
    ns: string | undefined,
    name: string,
    change: (cur: KubeObject) => KubeObject | Promise<KubeObject>,
    opts: WriteOptions = {},
    precondition?: string,
  ): Promise<KubeObject> {
    const copy = (old: KubeObject, kv: KeyValue) => (def.conversionWebhook ? structuredClone(old) : withKind(def, decodeObject(kv)));
    return write(def, ns, name, (old, kv) => change(copy(old, kv)), opts, precondition);
  }

  /**
   * As mutate, but `produce` reads the stored object without changing it and returns a new one
   * (no private copy is parsed for it): for writes that change a field or two, as a binding.
   */
  function derive(
    def: KindDef,
    ns: string | undefined,
    name: string,
    produce: (cur: KubeObject) => KubeObject,
    opts: WriteOptions = {},
  ): Promise<KubeObject> {
    return write(def, ns, name, produce, opts);
  }

  /** mutate's work; `produce` gets the stored object (shared: read-only) and its store entry. */
  async function write(
    def: KindDef,
    ns: string | undefined,
    name: string,
    produce: (old: KubeObject, kv: KeyValue) => KubeObject | Promise<KubeObject>,
    opts: WriteOptions = {},
    precondition?: string,
  ): Promise<KubeObject> {
    for (let attempt = 0; ; attempt++) {
      const kv = await readKv(def, ns, name);
      if (precondition && precondition !== String(kv.modRevision)) throw errors.conflict(def.group, def.plural, name);
      const old = await shown(def, decodeObject(kv));
      const next = await produce(old, kv);
      if (!next.metadata) next.metadata = {};
      if (next.metadata.name !== undefined && next.metadata.name !== name) {
        throw errors.badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
      }
      const sent = next.metadata.managedFields;
      let obj: KubeObject;
      if (opts.subresource === 'status') {
        obj = { ...old, status: next.status };
        if (next.status === undefined) delete obj.status;
        def.prepareForStatusUpdate?.(obj, old);
      } else if (opts.subresource === 'approval') {
        // certificatesigningrequests/approval: only the conditions change.
        const conditions = (next.status as { conditions?: unknown } | undefined)?.conditions ?? [];
        obj = { ...old, status: { ...((old.status ?? {}) as object), conditions } };
      } else if (opts.subresource === 'binding') {
        obj = { ...old, spec: { ...(old.spec ?? {}), nodeName: next.spec?.nodeName }, status: next.status };
      } else if (opts.subresource === 'ephemeralcontainers') {
        // Only spec.ephemeralContainers changes; the handler checks they are only added.
        obj = { ...old, spec: { ...(old.spec ?? {}), ephemeralContainers: next.spec?.ephemeralContainers ?? [] } };
        def.defaults?.(obj);
      } else if (opts.subresource === 'finalize') {
        obj = { ...old, spec: { ...(old.spec ?? {}), finalizers: next.spec?.finalizers ?? [] } };
      } else {
        obj = withKind(def, next);
        prepareUpdateMeta(def, obj, old);
        if (def.subresources.status && def.kind !== 'Namespace') {
          if (old.status === undefined) delete obj.status;
          else obj.status = old.status;
        }
        def.defaults?.(obj);
        def.prepareForUpdate?.(obj, old);
      }
      const as = opts.admitAs;
      const sub = as ? as.subresource : opts.subresource;
      const seenOld = as ? as.view(old) : old;
      if (as) {
        const seen = as.view(obj);
        await deps.admission?.admit(def, seen, seenOld, Boolean(opts.dryRun), opts.request, sub);
        as.apply(obj, seen);
      } else await deps.admission?.admit(def, obj, old, Boolean(opts.dryRun), opts.request, sub);
      deps.fields?.track(def, old, obj, { manager: opts.fieldManager, subresource: opts.subresource, sent, applied: opts.appliedFields });
      // Pod update rules forbid spec changes; ephemeral containers are the one allowed addition.
      // A binding sets only spec.nodeName and a condition of an object already valid: as
      // upstream's BindingREST (an update straight to storage), it is not validated again.
      if (opts.subresource !== 'binding')
        validate(
          def,
          obj,
          opts.subresource === 'ephemeralcontainers'
            ? { ...old, spec: { ...old.spec, ephemeralContainers: obj.spec?.ephemeralContainers } }
            : old,
        );
      await deps.admission?.admitValid?.(def, as ? as.view(obj) : obj, seenOld, Boolean(opts.dryRun), opts.request, sub);
      if (old.metadata.deletionTimestamp && readyToDelete(def, obj)) {
        if (opts.dryRun) return obj;
        try {
          const res = await store.delete(kv.key, kv.modRevision);
          lists.forget(kv.key);
          deps.admission?.released?.(def, obj);
          return shown(def, decodeObject(res.prev, res.revision));
        } catch (e) {
          if (e instanceof ConflictError && !precondition && attempt < 20) continue;
          if (e instanceof ConflictError) throw errors.conflict(def.group, def.plural, name);
          // Deleted meanwhile (the kubelet finished it): a 404 as for any write to a gone object.
          if (e instanceof NotFoundError) throw errors.notFound(def.group, def.plural, name);
          throw e;
        }
      }
      if (opts.dryRun) return obj;
      // No-op writes do not bump resourceVersion (a binding always sets a node name that was unset).
      if (opts.subresource !== 'binding' && deepEqual(stripRv(obj), stripRv(old))) return old;
      try {
        const res = await store.update(kv.key, await encodeStored(def, obj), kv.modRevision);
        obj.metadata.resourceVersion = String(res.modRevision);
        return obj;
      } catch (e) {
        if (e instanceof ConflictError && !precondition && attempt < 20) continue;
        if (e instanceof ConflictError) throw errors.conflict(def.group, def.plural, name);
        if (e instanceof NotFoundError) throw errors.notFound(def.group, def.plural, name);
        throw e;
      }
    }
  }

  async function remove(
    def: KindDef,
    ns: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): Promise<{ obj: KubeObject; gone: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const kv = await readKv(def, ns, name);
      const cur = await shown(def, decodeObject(kv));
      if (attempt === 0) await deps.admission?.admitDelete?.(def, cur, Boolean(opts.dryRun), opts.request);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== cur.metadata.uid) {
        throw errors.conflict(
          def.group,
          def.plural,
          name,
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`,
        );
      }
      if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
        throw errors.conflict(
          def.group,
          def.plural,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`,
        );
      }
      const next = structuredClone(cur);
      if (!cur.metadata.deletionTimestamp) def.prepareForDelete?.(next);
      const finalizers = new Set(next.metadata.finalizers ?? []);
      if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');
      if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
      if (finalizers.size) next.metadata.finalizers = [...finalizers];
      const grace = gracefulSeconds(def, cur, opts.gracePeriodSeconds);
      const t = now();
      if (!next.metadata.deletionTimestamp) {
        next.metadata.deletionTimestamp = rfc3339(new Date(t.getTime() + grace * 1000));
        next.metadata.deletionGracePeriodSeconds = grace;
      } else if (grace === 0 && def.kind === 'Pod') {
        next.metadata.deletionGracePeriodSeconds = 0;
      }
      if (def.kind === 'Namespace') next.status = { ...(next.status ?? {}), phase: 'Terminating' };
      const immediate = readyToDelete(def, next) && (grace === 0 || !cur.spec?.nodeName);
      if (opts.dryRun) return { obj: next, gone: immediate };
      try {
        if (immediate) {
          const res = await store.delete(kv.key, kv.modRevision);
          lists.forget(kv.key);
          deps.admission?.released?.(def, cur);
          return { obj: await shown(def, decodeObject(res.prev, res.revision)), gone: true };
        }
        if (deepEqual(stripRv(next), stripRv(cur))) return { obj: cur, gone: false };
        const res = await store.update(kv.key, await encodeStored(def, next), kv.modRevision);
        return { obj: await shown(def, decodeObject(res)), gone: false };
      } catch (e) {
        if (e instanceof ConflictError && attempt < 20) continue;
        if (e instanceof NotFoundError) throw errors.notFound(def.group, def.plural, name);
        throw e;
      }
    }
  }

  function validate(def: KindDef, obj: KubeObject, old?: KubeObject): void {
    const errs = [...deps.validateMeta(def, obj, old), ...(def.validate?.(obj, old) ?? [])];
    if (errs.length) throw errors.invalid(def.kind, def.group, obj.metadata.name ?? '', errs);
  }

  return {
    get,
    getJsonText,
    /** Stored objects as `def`'s version presents them (CRD conversion webhooks included). */
    presentAll: (def: KindDef, objs: KubeObject[]) => presentAll(def, objs, deps.convert),
    list,
    listJsonTexts,
    create,
    update,
    mutate,
    derive,
    remove,
    keyFor: (def: KindDef, ns: string | undefined, name: string) => objectKey(def, ns, name),
  };
}

/** Pods with a node wait for the kubelet; everything else goes once its finalizers are empty. */
function gracefulSeconds(def: KindDef, obj: KubeObject, requested?: number): number {
  if (def.kind !== 'Pod' || !obj.spec?.nodeName) return 0;
  if (obj.status?.phase === 'Succeeded' || obj.status?.phase === 'Failed') return 0;
  if (requested !== undefined) return Math.max(0, requested);
  return obj.spec?.terminationGracePeriodSeconds ?? 30;
}

function readyToDelete(def: KindDef, obj: KubeObject): boolean {
  if ((obj.metadata.finalizers ?? []).length) return false;
  if (def.kind === 'Namespace' && (obj.spec?.finalizers ?? []).length) return false;
  return true;
}

function stripRv(obj: KubeObject): KubeObject {
  const { resourceVersion: _r, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

export { ApiError };
