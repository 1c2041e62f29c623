// Opens the configured store backend: embedded SQLite by default, or a real etcd.
// Each backend is loaded only when chosen (the etcd client alone costs ~0.4 s to load).
import type { Store } from './types';

export type StoreConfig = { kind: 'sqlite'; path: string } | { kind: 'etcd'; endpoints: string[]; prefix?: string };

export async function openStore(opts: StoreConfig): Promise<Store> {
  if (opts.kind === 'sqlite') return (await import('./sqlite-store')).openSqliteStore({ path: opts.path });
  return (await import('./etcd-store')).openEtcdStore({ endpoints: opts.endpoints, prefix: opts.prefix });
}
