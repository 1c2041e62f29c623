// `skiff delete` of an etcd-backed cluster: its data lives in etcd, not the data dir, so
// remove every key under the cluster's prefix (or a later cluster of the same name would
// find the old objects).
import { NotFoundError, type Store } from '../store/types';

export function etcdPrefix(clusterName: string): string {
  return `/skiff/${clusterName}`;
}

/** Deletes every key of the store (already scoped to the cluster's prefix). Returns how many. */
export async function deleteAllKeys(store: Store): Promise<number> {
  let deleted = 0;
  for (;;) {
    // Always from the start: what we deleted is gone, so the next page is the remainder.
    // Prefix '/' (every key starts with it) rather than '': with '' etcd's range under
    // '/skiff/t1' would also cover cluster t10's '/skiff/t10/...'.
    const page = await store.list({ prefix: '/', limit: 500 });
    for (const kv of page.items) {
      await store.delete(kv.key).catch((err: unknown) => {
        if (!(err instanceof NotFoundError)) throw err;
      });
      deleted++;
    }
    if (!page.more || page.items.length === 0) return deleted;
  }
}

export async function wipeEtcdCluster(endpoints: string[], clusterName: string): Promise<number> {
  const { openStore } = await import('../store/open-store');
  const store = await openStore({ kind: 'etcd', endpoints, prefix: etcdPrefix(clusterName) });
  try {
    return await deleteAllKeys(store);
  } finally {
    await store.close();
  }
}
