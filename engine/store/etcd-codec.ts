// Translation between the Store contract and etcd's wire types: keys under a cluster prefix,
// numeric revisions (etcd sends int64 as strings), events and errors.
import { ClientClosedError, GRPCCancelledError, GRPCDeadlineExceededError, GRPCUnavailableError, type IEvent, type IKeyValue } from 'etcd3';
import { StoreError, StoreFullError, UnavailableError, type KeyValue, type WatchEvent } from './types';

export interface KeyCodec {
  encode(key: string): Buffer;
  decode(key: Buffer): string;
  /** [start, end) of every stored key that starts with prefix, as etcd range bounds. */
  range(prefix: string): { key: Buffer; end: Buffer };
}

export function keyCodec(clusterPrefix: string): KeyCodec {
  const base = Buffer.from(clusterPrefix, 'utf8');
  const encode = (key: string) => Buffer.concat([base, Buffer.from(key, 'utf8')]);
  return {
    encode,
    decode: (key) => key.subarray(base.length).toString('utf8'),
    range(prefix) {
      const start = encode(prefix);
      // etcd rejects an empty key; "\0" with range_end "\0" means every key.
      return start.length === 0 ? { key: Buffer.from([0]), end: Buffer.from([0]) } : { key: start, end: prefixEnd(start) };
    },
  };
}

/** The smallest key greater than every key starting with p (etcd's "\0" = no upper bound). */
export function prefixEnd(p: Buffer): Buffer {
  for (let i = p.length - 1; i >= 0; i--) {
    if (p[i] < 0xff) {
      const end = Buffer.from(p.subarray(0, i + 1));
      end[i]++;
      return end;
    }
  }
  return Buffer.from([0]);
}

/** The smallest key strictly greater than k. */
export function keySuccessor(k: Buffer): Buffer {
  return Buffer.concat([k, Buffer.from([0])]);
}

export function toKv(codec: KeyCodec, kv: IKeyValue): KeyValue {
  return {
    key: codec.decode(kv.key),
    value: kv.value.toString('utf8'),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

export function toEvent(codec: KeyCodec, ev: IEvent): WatchEvent {
  const revision = Number(ev.kv.mod_revision);
  const prevKv = ev.prev_kv ? toKv(codec, ev.prev_kv) : undefined;
  if (ev.type === 'Delete') {
    // etcd's tombstone carries no value; the contract wants the last one, from prev_kv.
    const kv: KeyValue = {
      key: codec.decode(ev.kv.key),
      value: prevKv?.value ?? '',
      createRevision: prevKv?.createRevision ?? 0,
      modRevision: revision,
    };
    return { type: 'delete', kv, prevKv, revision };
  }
  return { type: 'put', kv: toKv(codec, ev.kv), prevKv, revision };
}

export function isCompactedMessage(err: unknown): boolean {
  return /required revision has been compacted/.test(String((err as Error)?.message ?? err));
}

/** Maps client and transport errors to store errors; connectivity problems name the endpoints. */
export function toStoreError(err: unknown, endpoints: string[]): Error {
  if (err instanceof StoreError) return err;
  const msg = (err as Error)?.message ?? String(err);
  // Raw gRPC stream errors carry only a status code: CANCELLED 1, DEADLINE_EXCEEDED 4, UNAVAILABLE 14.
  // INTERNAL 13 with a bare RST_STREAM is a stream the server dropped without a status: etcd went
  // away mid-call (seen when its process is killed during a watch).
  const code = (err as { code?: unknown })?.code;
  const transport =
    code === 1 ||
    code === 4 ||
    code === 14 ||
    (code === 13 && /RST_STREAM/.test(msg)) ||
    err instanceof GRPCUnavailableError ||
    err instanceof GRPCDeadlineExceededError ||
    err instanceof GRPCCancelledError ||
    err instanceof ClientClosedError ||
    /circuit|ECONNREFUSED|No connection established|Deadline exceeded/i.test(msg);
  if (transport) return new UnavailableError(`etcd at ${endpoints.join(', ')} is unavailable: ${msg}`);
  // etcd's NOSPACE alarm: its backend quota is reached (or its disk is full).
  if (/database space exceeded|no space/i.test(msg)) return new StoreFullError(`etcd at ${endpoints.join(', ')}`);
  return new StoreError(`etcd: ${msg}`);
}
