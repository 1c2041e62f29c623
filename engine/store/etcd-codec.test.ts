import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toStoreError } from './etcd-codec';
import { StoreFullError, UnavailableError } from './types';

test("etcd's NOSPACE alarm is a full store; a refused connection is an unavailable one", () => {
  const full = toStoreError(new Error('etcdserver: mvcc: database space exceeded'), ['http://127.0.0.1:2379']);
  assert.ok(full instanceof StoreFullError);
  assert.match(full.message, /store is full \(database space exceeded\): no space left for etcd at http:\/\/127\.0\.0\.1:2379/);
  assert.ok(toStoreError(new Error('connect ECONNREFUSED 127.0.0.1:2379'), ['x']) instanceof UnavailableError);
  // A stream etcd dropped as its process died: gRPC reports INTERNAL with a bare RST_STREAM.
  const dropped = Object.assign(new Error('13 INTERNAL: Received RST_STREAM with code 0 (Call ended without gRPC status)'), { code: 13 });
  assert.ok(toStoreError(dropped, ['x']) instanceof UnavailableError);
  // Any other INTERNAL stays a store error.
  assert.ok(!(toStoreError(Object.assign(new Error('13 INTERNAL: bad frame'), { code: 13 }), ['x']) instanceof UnavailableError));
});
