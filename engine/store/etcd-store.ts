// The Store on a real etcd v3 (etcd3 npm client). Writes are single-key transactions
// (create: createRevision == 0, update/delete: modRevision == expected), so etcd's own
// revision is the store revision. Keys live under an optional prefix so several clusters
// can share one etcd.
import { Etcd3, type ICompare, type IOptions, type IRangeRequest } from 'etcd3';
import {
  CompactedError,
  ConflictError,
  KeyExistsError,
  NotFoundError,
  UnavailableError,
  type KeyValue,
  type Store,
  type Watcher,
} from './types';
import { isCompactedMessage, keyCodec, keySuccessor, toKv, toStoreError } from './etcd-codec';
import { startEtcdWatch } from './etcd-watch';

export interface EtcdStoreOptions {
  endpoints: string[];
  /** Prepended to every key (e.g. '/skiff/dev'); default ''. */
  prefix?: string;
  /** How long open() waits for etcd before failing with UnavailableError; default 3000 ms. */
  timeoutMs?: number;
}

/** Deadline of one unary request once open (lists of many objects can take a while). */
const REQUEST_TIMEOUT_MS = 15_000;

type Policy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;
// etcd3 retries "recoverable" failures by default; a retried CAS whose first attempt did
// commit would report a false conflict, so every call is tried exactly once.
const once = { execute: async (fn: (ctx: object) => unknown) => fn({}) } as unknown as Policy;

export async function openEtcdStore(opts: EtcdStoreOptions): Promise<Store> {
  const endpoints = opts.endpoints;
  if (endpoints.length === 0) throw new UnavailableError('no etcd endpoints given');
  const timeoutMs = opts.timeoutMs ?? 3000;
  const codec = keyCodec(opts.prefix ?? '');
  const client = new Etcd3({
    hosts: endpoints,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + REQUEST_TIMEOUT_MS }),
    faultHandling: { global: once, host: () => once },
  });
  const kv = client.kv;
  const all = codec.range('');
  const fail = (err: unknown): never => {
    throw toStoreError(err, endpoints);
  };

  // Fail fast: one cheap read with a short deadline, raced against a timer in case the
  // client is still resolving or connecting when the deadline passes.
  try {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      kv.range({ key: all.key, range_end: all.end, limit: 1, keys_only: true }, { deadline: Date.now() + timeoutMs }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs + 200);
      }),
    ]).finally(() => clearTimeout(timer));
  } catch (err) {
    client.close();
    throw new UnavailableError(`cannot reach etcd at ${endpoints.join(', ')} within ${timeoutMs} ms: ${(err as Error).message}`);
  }

  const watchers = new Set<Watcher>();
  // Highest etcd compacted revision we know of (revisions below it are gone); only grows.
  let knownCompacted = 0;

  const currentRevision = async () => {
    const res = await kv.range({ key: all.key, limit: 1, keys_only: true }).catch(fail);
    return Number(res.header.revision);
  };
  const readableAt = async (revision: number) => {
    try {
      await kv.range({ key: all.key, revision, serializable: true, keys_only: true, limit: 1 });
      return true;
    } catch (err) {
      if (isCompactedMessage(err)) return false;
      return fail(err);
    }
  };
  // etcd does not report its compacted revision directly; revisions below it fail to read,
  // so find the boundary by bisection (one request when nothing changed since last time).
  const compactedRevision = async () => {
    const first = Math.max(knownCompacted, 1);
    if (await readableAt(first)) return knownCompacted;
    let lo = first;
    let hi = await currentRevision();
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await readableAt(mid)) hi = mid;
      else lo = mid;
    }
    knownCompacted = Math.max(knownCompacted, hi);
    return knownCompacted;
  };
  const conflictOrMissing = (key: string, found: KeyValue | undefined): never => {
    throw found ? new ConflictError(key, found) : new NotFoundError(key);
  };

  return {
    currentRevision,
    async get(key) {
      const res = await kv.range({ key: codec.encode(key) }).catch(fail);
      return res.kvs[0] && toKv(codec, res.kvs[0]);
    },
    async list(o) {
      if (o.revision && o.revision <= knownCompacted) throw new CompactedError(o.revision, knownCompacted);
      const { key: first, end } = codec.range(o.prefix);
      let start = first;
      if (o.after !== undefined) {
        const next = keySuccessor(codec.encode(o.after));
        if (Buffer.compare(next, start) > 0) start = next;
      }
      const unbounded = end.length === 1 && end[0] === 0;
      if (!unbounded && Buffer.compare(start, end) >= 0) {
        return { items: [], revision: o.revision || (await currentRevision()), more: false };
      }
      const req: IRangeRequest = { key: start, range_end: end, limit: o.limit ?? 0 };
      // A pinned revision is immutable, so a serializable (local) read is enough.
      if (o.revision) Object.assign(req, { revision: o.revision, serializable: true });
      try {
        const res = await kv.range(req);
        return { items: res.kvs.map((k) => toKv(codec, k)), revision: o.revision || Number(res.header.revision), more: res.more };
      } catch (err) {
        if (o.revision && isCompactedMessage(err)) throw new CompactedError(o.revision, await compactedRevision());
        return fail(err);
      }
    },
    async count(prefix) {
      const r = codec.range(prefix);
      const res = await kv.range({ key: r.key, range_end: r.end, count_only: true }).catch(fail);
      return Number(res.count);
    },
    async create(key, value) {
      const k = codec.encode(key);
      const res = await kv
        .txn({
          compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
          success: [{ request_put: { key: k, value: Buffer.from(value, 'utf8') } }],
        })
        .catch(fail);
      if (!res.succeeded) throw new KeyExistsError(key);
      const rev = Number(res.header.revision);
      return { key, value, createRevision: rev, modRevision: rev };
    },
    async update(key, value, expectedModRevision) {
      const k = codec.encode(key);
      const res = await kv
        .txn({
          compare: [
            { key: k, target: 'Create', result: 'Greater', create_revision: 0 },
            { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision },
          ],
          success: [{ request_put: { key: k, value: Buffer.from(value, 'utf8'), prev_kv: true } }],
          failure: [{ request_range: { key: k } }],
        })
        .catch(fail);
      if (!res.succeeded) {
        const cur = res.responses[0].response_range.kvs[0];
        return conflictOrMissing(key, cur && toKv(codec, cur));
      }
      const prev = res.responses[0].response_put.prev_kv;
      return { key, value, createRevision: Number(prev.create_revision), modRevision: Number(res.header.revision) };
    },
    async delete(key, expectedModRevision) {
      const k = codec.encode(key);
      const compare: ICompare[] = [{ key: k, target: 'Create', result: 'Greater', create_revision: 0 }];
      if (expectedModRevision !== undefined) {
        compare.push({ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision });
      }
      const res = await kv
        .txn({
          compare,
          success: [{ request_delete_range: { key: k, prev_kv: true } }],
          failure: [{ request_range: { key: k } }],
        })
        .catch(fail);
      if (!res.succeeded) {
        const cur = res.responses[0].response_range.kvs[0];
        return conflictOrMissing(key, cur && toKv(codec, cur));
      }
      const prev = res.responses[0].response_delete_range.prev_kvs[0];
      return { prev: toKv(codec, prev), revision: Number(res.header.revision) };
    },
    watch(o) {
      const w = startEtcdWatch({ watchClient: client.watchClient, codec, endpoints, onEnd: (x) => watchers.delete(x) }, o);
      watchers.add(w);
      return w;
    },
    async compact(revision) {
      // etcd refuses future revisions; the latest one stays readable as the current state.
      const target = Math.min(revision, await currentRevision());
      if (target <= knownCompacted) return;
      try {
        await kv.compact({ revision: target, physical: true });
      } catch (err) {
        if (!isCompactedMessage(err)) fail(err);
      }
      knownCompacted = Math.max(knownCompacted, target);
    },
    compactedRevision,
    async close() {
      for (const w of [...watchers]) w.close();
      client.close();
    },
  };
}
