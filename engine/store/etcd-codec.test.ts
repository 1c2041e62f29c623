import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toStoreError } from './etcd-codec';
import { StoreFullError, UnavailableError } from './types';

test("etcd's NOSPACE alarm is a full store; a refused connection is an unavailable one", () => {
  const full = toStoreError(new Error('etcdserver: mvcc: database space exceeded'), ['http://127.0.0.1:2379']);
  assert.ok(full instanceof StoreFullError);
  assert.match(full.message, /store is full \(database space exceeded\): no space left for etcd at http:\/\/127\.0\.0\.1:2379/);
  assert.ok(toStoreError(new Error('connect ECONNREFUSED 127.0.0.1:2379'), ['x']) instanceof UnavailableError);
});
