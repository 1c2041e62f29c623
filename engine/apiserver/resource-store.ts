// Generic storage for every kind (k8s.io/apiserver's genericregistry, desktop-sized):
// create/get/list/update/delete over the Store, with defaults, validation, strategy,
// optimistic concurrency, finalizers and graceful deletion. Handlers and in-process
// controllers both go through here, so the rules hold for every writer.
import type { KindDef, KubeObject, FieldError } from '../kinds/types';
import { ConflictError, KeyExistsError, NotFoundError, CompactedError, type Store, type KeyValue } from '../store/types';
import { errors, ApiError } from './status';
import { decodeObject, encodeObject, objectKey, resourcePrefix } from './storage-keys';
import { apiVersionOf, withKind, toStored, prepareCreateMeta, prepareUpdateMeta, rfc3339, deepEqual } from './object-meta';

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
  subresource?: 'status' | 'finalize' | 'binding';
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface Admission {
  /** Runs after defaults and before validation; may reject with an ApiError or fill fields (e.g. clusterIP). */
  admit(def: KindDef, obj: KubeObject, old: KubeObject | undefined, dryRun: boolean): Promise<void>;
  /** Called after an object is gone (release allocations). */
  released?(def: KindDef, obj: KubeObject): void;
}

export interface ResourceStoreDeps {
  store: Store;
  validateMeta(def: KindDef, obj: KubeObject, old?: KubeObject): FieldError[];
  namespaceExists(name: string): Promise<'active' | 'terminating' | 'missing'>;
  admission?: Admission;
  now?: () => Date;
}

export type Resources = ReturnType<typeof createResources>;

export function createResources(deps: ResourceStoreDeps) {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());

  async function readKv(def: KindDef, ns: string | undefined, name: string): Promise<KeyValue> {
    const kv = await store.get(objectKey(def, ns, name));
    if (!kv) throw errors.notFound(def.group, def.plural, name);
    return kv;
  }

  async function get(def: KindDef, ns: string | undefined, name: string): Promise<KubeObject> {
    return withKind(def, decodeObject(await readKv(def, ns, name)));
  }

  /** Pages through the store, keeping what `take` returns (undefined = filtered out). */
  async function paginate<T>(def: KindDef, ns: string | undefined, opts: ListOptions, take: (kv: KeyValue) => T | undefined) {
    const prefix = resourcePrefix(def, ns);
    let after: string | undefined;
    let revision = opts.revision;
    if (opts.continueToken) {
      const tok = decodeContinue(opts.continueToken, prefix);
      after = tok.after;
      revision = tok.rev;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: T[] = [];
    let rev = 0;
    let more = false;
    let lastKey: string | undefined;
    for (;;) {
      const chunk = limit ? Math.max(limit - items.length, opts.filter ? 500 : 0) : 0;
      let res;
      try {
        res = await store.list({ prefix, after, limit: chunk, revision });
      } catch (e) {
        if (e instanceof CompactedError) {
          throw errors.gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
        }
        throw e;
      }
      rev = res.revision;
      revision = res.revision;
      for (const kv of res.items) {
        lastKey = kv.key;
        const item = take(kv);
        if (item === undefined) continue;
        items.push(item);
        if (limit && items.length >= limit) break;
      }
      more = res.more || (limit > 0 && items.length >= limit && lastKey !== res.items[res.items.length - 1]?.key);
      if (!res.more || (limit && items.length >= limit)) break;
      after = lastKey;
    }
    const continueToken = limit && more && lastKey ? encodeContinue(rev, lastKey.slice(prefix.length), prefix) : undefined;
    return { items, resourceVersion: String(rev), continueToken };
  }

  // Parsed objects by key and revision: repeated lists (UI views, kubectl get) skip JSON.parse.
  // Listed objects are shared, so callers must treat them as read-only.
  const parsed = new Map<string, { rev: number; obj: KubeObject }>();
  const parsedLimit = 200_000;

  function parsedObject(kv: KeyValue): KubeObject {
    const hit = parsed.get(kv.key);
    if (hit && hit.rev === kv.modRevision) return hit.obj;
    if (parsed.size >= parsedLimit) parsed.clear();
    const obj = decodeObject(kv);
    parsed.set(kv.key, { rev: kv.modRevision, obj });
    return obj;
  }

  async function list(def: KindDef, ns: string | undefined, opts: ListOptions = {}): Promise<ListResult> {
    return paginate(def, ns, opts, (kv) => {
      const obj = withKind(def, parsedObject(kv));
      return opts.filter && !opts.filter(obj) ? undefined : obj;
    });
  }

  // JSON texts by key and revision, resourceVersion already spliced in: a repeated unfiltered
  // list reads only keys and revisions from the store.
  const texts = new Map<string, { rev: number; text: string }>();

  function jsonText(def: KindDef, head: string, kv: KeyValue): string {
    const hit = texts.get(kv.key);
    if (hit && hit.rev === kv.modRevision) return hit.text;
    let text: string;
    if (kv.value.startsWith(head)) {
      const rest = kv.value.slice(head.length);
      text = `${head}"resourceVersion":"${kv.modRevision}"${rest.startsWith('}') ? '' : ','}${rest}`;
    } else {
      text = JSON.stringify(withKind(def, decodeObject(kv)));
    }
    if (texts.size >= parsedLimit) texts.clear();
    texts.set(kv.key, { rev: kv.modRevision, text });
    return text;
  }

  /**
   * The unfiltered list as JSON texts, without parsing each object: the stored text gets its
   * resourceVersion spliced in. Ten thousand pods list in a fraction of the parse-and-print time.
   */
  async function listJsonTexts(def: KindDef, ns: string | undefined, opts: Omit<ListOptions, 'filter'> = {}) {
    const head = `{"apiVersion":${JSON.stringify(apiVersionOf(def))},"kind":${JSON.stringify(def.kind)},"metadata":{`;
    if (!opts.continueToken && !opts.revision && store.listRevisions) {
      const fast = await listCachedTexts(def, ns, head, opts.limit && opts.limit > 0 ? opts.limit : 0);
      if (fast) return fast;
    }
    return paginate(def, ns, opts, (kv) => jsonText(def, head, kv));
  }

  /** Serves from the text cache when nearly everything is in it; undefined = take the slow path. */
  async function listCachedTexts(def: KindDef, ns: string | undefined, head: string, limit: number) {
    const prefix = resourcePrefix(def, ns);
    const r = await store.listRevisions!({ prefix, limit });
    const items: string[] = new Array(r.items.length);
    const missing: number[] = [];
    r.items.forEach((it, i) => {
      const hit = texts.get(it.key);
      if (hit && hit.rev === it.modRevision) items[i] = hit.text;
      else missing.push(i);
    });
    if (missing.length > 64) return undefined;
    for (const i of missing) {
      const kv = await store.get(r.items[i].key);
      if (!kv || kv.modRevision !== r.items[i].modRevision) return undefined; // changed meanwhile
      items[i] = jsonText(def, head, kv);
    }
    const last = r.items[r.items.length - 1];
    const continueToken = limit && r.more && last ? encodeContinue(r.revision, last.key.slice(prefix.length), prefix) : undefined;
    return { items, resourceVersion: String(r.revision), continueToken };
  }

  async function create(def: KindDef, ns: string | undefined, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    if (def.namespaced) {
      const state = await deps.namespaceExists(ns!);
      if (state === 'missing') throw errors.notFound('', 'namespaces', ns!);
      if (state === 'terminating') {
        throw errors.forbidden(`${def.plural} "${obj.metadata.name ?? obj.metadata.generateName ?? ''}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`);
      }
    }
    prepareCreateMeta(def, obj, ns, now());
    if (def.subresources.status && def.kind !== 'Namespace') delete obj.status;
    def.defaults?.(obj);
    def.prepareForCreate?.(obj);
    await deps.admission?.admit(def, obj, undefined, Boolean(opts.dryRun));
    validate(def, obj);
    if (opts.dryRun) return withKind(def, obj);
    try {
      const kv = await store.create(objectKey(def, ns, obj.metadata.name!), encodeObject(toStored(def, obj)));
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
    return mutate(def, ns, name, () => obj, opts, want);
  }

  /**
   * Read-modify-write with compare-and-swap. `change` gets a private copy of the current object.
   * Without a client precondition a lost race is retried by re-reading, as the apiserver does for patches.
   */
  async function mutate(
    def: KindDef, ns: string | undefined, name: string,
    change: (cur: KubeObject) => KubeObject | Promise<KubeObject>,
    opts: WriteOptions = {}, precondition?: string,
  ): Promise<KubeObject> {
    for (let attempt = 0; ; attempt++) {
      const kv = await readKv(def, ns, name);
      if (precondition && precondition !== String(kv.modRevision)) throw errors.conflict(def.group, def.plural, name);
      const old = withKind(def, decodeObject(kv));
      const next = await change(withKind(def, decodeObject(kv)));
      if (!next.metadata) next.metadata = {};
      if (next.metadata.name !== undefined && next.metadata.name !== name) {
        throw errors.badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
      }
      let obj: KubeObject;
      if (opts.subresource === 'status') {
        obj = { ...old, status: next.status };
        if (next.status === undefined) delete obj.status;
      } else if (opts.subresource === 'binding') {
        obj = { ...old, spec: { ...(old.spec ?? {}), nodeName: next.spec?.nodeName }, status: next.status };
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
      await deps.admission?.admit(def, obj, old, Boolean(opts.dryRun));
      validate(def, obj, old);
      if (old.metadata.deletionTimestamp && readyToDelete(def, obj)) {
        if (opts.dryRun) return obj;
        try {
          const res = await store.delete(kv.key, kv.modRevision);
          parsed.delete(kv.key);
          texts.delete(kv.key);
          deps.admission?.released?.(def, obj);
          return withKind(def, decodeObject(res.prev, res.revision));
        } catch (e) {
          if (e instanceof ConflictError && !precondition && attempt < 20) continue;
          if (e instanceof ConflictError) throw errors.conflict(def.group, def.plural, name);
          throw e;
        }
      }
      if (opts.dryRun) return obj;
      if (deepEqual(stripRv(obj), stripRv(old))) return old; // no-op writes do not bump resourceVersion
      try {
        const res = await store.update(kv.key, encodeObject(toStored(def, obj)), kv.modRevision);
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

  async function remove(def: KindDef, ns: string | undefined, name: string, opts: DeleteOptions = {}): Promise<{ obj: KubeObject; gone: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const kv = await readKv(def, ns, name);
      const cur = withKind(def, decodeObject(kv));
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== cur.metadata.uid) {
        throw errors.conflict(def.group, def.plural, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
        throw errors.conflict(def.group, def.plural, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`);
      }
      const next = structuredClone(cur);
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
          parsed.delete(kv.key);
          texts.delete(kv.key);
          deps.admission?.released?.(def, cur);
          return { obj: withKind(def, decodeObject(res.prev, res.revision)), gone: true };
        }
        if (deepEqual(stripRv(next), stripRv(cur))) return { obj: cur, gone: false };
        const res = await store.update(kv.key, encodeObject(toStored(def, next)), kv.modRevision);
        return { obj: withKind(def, decodeObject(res)), gone: false };
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

  return { get, list, listJsonTexts, create, update, mutate, remove, keyFor: (def: KindDef, ns: string | undefined, name: string) => objectKey(def, ns, name) };
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

function encodeContinue(rev: number, after: string, prefix: string): string {
  return Buffer.from(JSON.stringify({ v: 'skiff/1', rv: rev, start: after, p: prefix })).toString('base64url');
}

function decodeContinue(token: string, prefix: string): { rev: number; after: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (t.v !== 'skiff/1' || typeof t.rv !== 'number' || typeof t.start !== 'string' || t.p !== prefix) throw new Error();
    return { rev: t.rv, after: prefix + t.start };
  } catch {
    throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

export { ApiError };
