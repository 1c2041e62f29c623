// Reads of many objects: paging with revision-pinned continue tokens, and two caches that
// make repeated lists cheap (parsed objects for filtered/Table lists, JSON texts with their
// resourceVersion spliced in for unfiltered ones). Listed objects are shared: read-only.
import type { KindDef, KubeObject } from '../../kinds/types';
import { CompactedError, type KeyValue, type Store } from '../../store/types';
import { errors } from '../status';
import { decodeObject, jsonHead, resourcePrefix, storedJson } from '../storage-keys';
import { withKind } from '../object-meta';
import type { ListOptions, ListResult } from '../resource-store';
import { presentAll, type Converter } from '../crd/conversion-webhook';

export function createResourceLists(store: Store, convert?: Converter) {
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
          throw errors.gone(
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
          );
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
    if (def.conversionWebhook) {
      // Converted by the CRD's webhook, one review per page; selection sees the stored labels.
      const page = await paginate(def, ns, opts, (kv) => {
        const obj = parsedObject(kv);
        return opts.filter && !opts.filter(withKind(def, obj)) ? undefined : obj;
      });
      return { ...page, items: await presentAll(def, page.items, convert) };
    }
    if (!opts.continueToken && !opts.revision && !(opts.limit && opts.limit > 0) && store.listRevisions) {
      const fast = await listCachedObjects(def, ns, opts.filter);
      if (fast) return fast;
    }
    return paginate(def, ns, opts, (kv) => {
      const obj = withKind(def, parsedObject(kv));
      return opts.filter && !opts.filter(obj) ? undefined : obj;
    });
  }

  /**
   * A whole list served from the parsed cache when nearly everything is in it: the store reads
   * only keys and revisions (a controller relisting a few large objects, such as CRDs with
   * megabytes of schema, no longer reads them all again). Undefined = take the slow path.
   */
  async function listCachedObjects(def: KindDef, ns: string | undefined, filter: ListOptions['filter']): Promise<ListResult | undefined> {
    const r = await store.listRevisions!({ prefix: resourcePrefix(def, ns) });
    const items: KubeObject[] = [];
    let missing = 0;
    for (const it of r.items) {
      let obj: KubeObject;
      const hit = parsed.get(it.key);
      if (hit && hit.rev === it.modRevision) obj = hit.obj;
      else {
        if (++missing > 64) return undefined;
        const kv = await store.get(it.key);
        if (!kv || kv.modRevision !== it.modRevision) return undefined; // changed meanwhile
        obj = parsedObject(kv);
      }
      obj = withKind(def, obj);
      if (!filter || filter(obj)) items.push(obj);
    }
    return { items, resourceVersion: String(r.revision) };
  }

  // JSON texts by key and revision, resourceVersion already spliced in: a repeated unfiltered
  // list reads only keys and revisions from the store.
  // `head` names the version the text was written for: versions of a kind share keys (HPA v1/v2, CRD versions).
  const texts = new Map<string, { rev: number; head: string; text: string }>();

  function jsonText(def: KindDef, head: string, kv: KeyValue): string {
    const hit = texts.get(kv.key);
    if (hit && hit.rev === kv.modRevision && hit.head === head) return hit.text;
    const text = storedJson(kv, head) ?? JSON.stringify(withKind(def, decodeObject(kv)));
    if (texts.size >= parsedLimit) texts.clear();
    texts.set(kv.key, { rev: kv.modRevision, head, text });
    return text;
  }

  /**
   * The unfiltered list as JSON texts, without parsing each object: the stored text gets its
   * resourceVersion spliced in. Ten thousand pods list in a fraction of the parse-and-print time.
   */
  async function listJsonTexts(def: KindDef, ns: string | undefined, opts: Omit<ListOptions, 'filter'> = {}) {
    if (def.conversionWebhook) {
      const page = await list(def, ns, opts);
      return { ...page, items: page.items.map((o) => JSON.stringify(o)) };
    }
    const head = jsonHead(def);
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
      if (hit && hit.rev === it.modRevision && hit.head === head) items[i] = hit.text;
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

  /** Drops cached copies of a deleted key. */
  function forget(key: string) {
    parsed.delete(key);
    texts.delete(key);
  }

  return { list, listJsonTexts, forget };
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
