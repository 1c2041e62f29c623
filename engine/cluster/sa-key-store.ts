// The service-account signing keys of a cluster whose instances share one etcd. Each instance's
// pki/ only ever knew its own copy, so a rotation in one data dir left the others signing and
// verifying with the old set (tokens from the new key were 401 there; a retired key still
// worked). Here the key set is one record in the cluster's store that every instance follows
// live, and `skiff sa-key rotate|retire` changes it there (compare-and-swap, so two commands at
// once cannot lose a key). Each instance still mirrors the record into its pki/ files (0600).
//
// Why the private key may live in etcd: etcd already is the cluster's store of every Secret, and
// whoever reads or writes it owns the cluster anyway (writes a cluster-admin binding, reads every
// token Secret), so holding the signing key there gives that reader nothing new; snapshots of it
// are written 0600 like the data dir. The record sits outside /registry/, where no API path
// reaches: unlike a kube-system Secret, no RBAC grant on Secrets (which operators often hold
// cluster-wide) can read it and mint tokens for any ServiceAccount. Keeping private keys on each
// instance and sharing only public keys would avoid this, but then a rotation could not be done
// from one place, and the instances already share the first key (--pki-from copies sa.key).
import { join } from 'node:path';
import { followPrefix } from '../store/follow-prefix';
import { ConflictError, KeyExistsError, NotFoundError, type Store } from '../store/types';
import { PKI_FILES, SA_PREVIOUS_KEYS } from '../pki/load-or-create-pki';
import { readKeySetFiles, writeKeySetFiles } from '../pki/sa-key-files';
import { decodeKeySet, encodeKeySet, liveKeys, type SigningKeySet } from '../pki/sa-key-set';
import { createSigningKeyApplier, type SigningKeyWatch } from '../pki/sa-key-watch';
import type { ServiceAccountTokens } from '../pki/service-account-tokens';
import { etcdPrefix } from './wipe-etcd';

/** Under the cluster's etcd prefix, outside /registry/ (see above). */
export const SA_KEYS_STORE_KEY = '/pki/service-account-keys';

const files = (pkiDir: string) => [join(pkiDir, PKI_FILES.serviceAccountKey), join(pkiDir, SA_PREVIOUS_KEYS)] as const;

export interface LoadedKeys {
  set: SigningKeySet;
  /** The record's own revision. */
  modRevision: number;
  /** The store's revision when it was read: changes after it are followed. */
  revision: number;
}

/** The shared set, seeded from this instance's files when the store has none yet (the first start over etcd). */
export async function loadSharedSigningKeys(store: Store, pkiDir: string, now = new Date()): Promise<LoadedKeys> {
  // Watching from the store's revision, not the record's (rarely written, so long compacted).
  const revision = await store.currentRevision();
  const r = await changeSharedSigningKeys(store, pkiDir, (set) => set, now);
  return {
    set: { signingKey: r.after.signingKey, previous: liveKeys(r.after.previous, now) },
    modRevision: r.modRevision,
    revision: Math.max(revision, r.modRevision),
  };
}

/**
 * Reads the shared set, applies `change` and writes it back only if nobody wrote in between
 * (else reads again). A missing or damaged record is seeded from `pkiDir`'s files. The result is
 * mirrored into those files.
 */
export async function changeSharedSigningKeys(
  store: Store,
  pkiDir: string,
  change: (set: SigningKeySet) => SigningKeySet,
  now = new Date(),
): Promise<{ before: SigningKeySet; after: SigningKeySet; modRevision: number }> {
  const [keyFile, previousFile] = files(pkiDir);
  for (let attempt = 0; ; attempt++) {
    const kv = await store.get(SA_KEYS_STORE_KEY);
    const stored = kv && decodeKeySet(kv.value);
    const before = stored ?? readKeySetFiles(keyFile, previousFile, now);
    const after = change(before);
    let modRevision = kv?.modRevision ?? 0;
    try {
      if (!kv) modRevision = (await store.create(SA_KEYS_STORE_KEY, encodeKeySet(after))).modRevision;
      else if (!stored || after !== before)
        modRevision = (await store.update(SA_KEYS_STORE_KEY, encodeKeySet(after), kv.modRevision)).modRevision;
    } catch (err) {
      const raced = err instanceof KeyExistsError || err instanceof ConflictError || err instanceof NotFoundError;
      if (raced && attempt < 10) continue;
      throw err;
    }
    writeKeySetFiles(keyFile, previousFile, after);
    return { before, after, modRevision };
  }
}

/**
 * Follows the shared record: every change (from any instance's `skiff sa-key`) is applied to
 * `tokens` and mirrored into `pkiDir`; earlier keys drop out when they retire. A deleted or
 * damaged record changes nothing (the keys in use stay).
 */
export function followSharedSigningKeys(o: {
  store: Store;
  pkiDir: string;
  tokens: ServiceAccountTokens;
  /** What loadSharedSigningKeys returned (applied now; changes after it are followed). */
  loaded: LoadedKeys;
  log?: (line: string) => void;
  now?: () => Date;
}): SigningKeyWatch {
  const log = o.log ?? (() => {});
  const now = o.now ?? (() => new Date());
  const [keyFile, previousFile] = files(o.pkiDir);
  const applier = createSigningKeyApplier({ tokens: o.tokens, log, now });
  let applied = o.loaded.modRevision;
  let stopped = false;
  // One read at a time, and never an older record after a newer one.
  let reading: Promise<void> = Promise.resolve();

  async function read() {
    const kv = await o.store.get(SA_KEYS_STORE_KEY);
    if (stopped) return;
    if (!kv) return log(`service-account key: the shared record ${SA_KEYS_STORE_KEY} is gone; still signing with the current key`);
    if (kv.modRevision <= applied) return;
    const set = decodeKeySet(kv.value);
    if (!set) return log(`service-account key: the shared record ${SA_KEYS_STORE_KEY} is damaged; still signing with the current key`);
    applied = kv.modRevision;
    applier.apply(set);
    try {
      writeKeySetFiles(keyFile, previousFile, { signingKey: set.signingKey, previous: liveKeys(set.previous, now()) });
    } catch (err) {
      log(`service-account key: cannot copy the shared keys to ${o.pkiDir}: ${(err as Error).message}`);
    }
  }
  const reload = () => {
    reading = reading.then(read).catch((err: Error) => log(`service-account key: cannot read the shared keys: ${err.message}`));
  };

  applier.apply(o.loaded.set);
  const follower = followPrefix(o.store, SA_KEYS_STORE_KEY, o.loaded.revision, reload);
  return {
    reload,
    stop() {
      stopped = true;
      follower.close();
      applier.stop();
    },
  };
}

/** `skiff sa-key` over etcd: opens the cluster's store, changes the shared set, closes. */
export async function changeClusterSigningKeys(o: {
  endpoints: string[];
  clusterName: string;
  pkiDir: string;
  change: (set: SigningKeySet) => SigningKeySet;
  now?: Date;
}): Promise<{ before: SigningKeySet; after: SigningKeySet }> {
  const { openStore } = await import('../store/open-store');
  const store = await openStore({ kind: 'etcd', endpoints: o.endpoints, prefix: etcdPrefix(o.clusterName) });
  try {
    return await changeSharedSigningKeys(store, o.pkiDir, o.change, o.now);
  } finally {
    await store.close();
  }
}
