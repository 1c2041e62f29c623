// The CRDs custom-resource panels read, kept per profile: a CRD can carry 800 KB+ of schema, and
// reading and parsing it on every panel open is what made opening a custom resource slow.
// An entry is reused for `freshMs`; after that a one-row Table of the CRD (no object, a few
// hundred bytes) tells whether its resourceVersion moved, and only then is the CRD read again.
// A version's schema is looked up once per resourceVersion. Opens at once share one read.
import { tableAccept, type K8sClient } from './client';
import { crdVersion, type CrdVersion } from './crd-schema';
import { resourcePath } from './resources';
import type { KubeObject, RawTable } from './types';

const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', name: 'customresourcedefinitions', namespaced: false };

export interface CachedCrd {
  crd: KubeObject;
  /** The served version's entry (schema, printer columns), found once per resourceVersion. */
  version(name: string): CrdVersion | undefined;
}

export interface CrdCache {
  /** The CRD named `name` (<plural>.<group>); rejects as the API does (404, 403...). */
  get(name: string): Promise<CachedCrd>;
  /** Drops one CRD (or all): the next get reads it again. */
  forget(name?: string): void;
  /** Drops the CRDs not in `names` (the profile's CRD list, polled elsewhere, no longer has them). */
  retain(names: ReadonlySet<string>): void;
}

interface Entry {
  value: CachedCrd;
  rv: string | undefined;
  checkedAt: number;
}

function cached(crd: KubeObject): CachedCrd {
  const versions = new Map<string, CrdVersion | undefined>();
  return {
    crd,
    version(name) {
      if (!versions.has(name)) versions.set(name, crdVersion(crd, name));
      return versions.get(name);
    },
  };
}

export function createCrdCache(deps: { client: K8sClient; freshMs?: number; now?: () => number }): CrdCache {
  const freshMs = deps.freshMs ?? 10_000;
  const now = deps.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const pending = new Map<string, Promise<CachedCrd>>();
  // Bumped by forget(): a read that began before it answers its caller but keeps nothing.
  let generation = 0;

  async function read(name: string): Promise<CachedCrd> {
    const path = resourcePath(CRDS, undefined, name);
    const gen = generation;
    const had = entries.get(name);
    if (had) {
      const t = await deps.client.getJson<RawTable>(path, { accept: tableAccept, query: { includeObject: 'None' } });
      if (gen === generation && t.metadata?.resourceVersion && t.metadata.resourceVersion === had.rv) {
        had.checkedAt = now();
        return had.value;
      }
    }
    const crd = await deps.client.getJson<KubeObject>(path);
    const entry = { value: cached(crd), rv: crd.metadata.resourceVersion, checkedAt: now() };
    if (gen === generation) entries.set(name, entry);
    return entry.value;
  }

  return {
    get(name) {
      const e = entries.get(name);
      if (e && now() - e.checkedAt < freshMs) return Promise.resolve(e.value);
      let p = pending.get(name);
      if (!p) {
        p = read(name).finally(() => pending.delete(name));
        pending.set(name, p);
        // A failed read (deleted CRD, no access) drops the entry, so nothing stale is shown.
        p.catch(() => entries.delete(name));
      }
      return p;
    },
    forget(name) {
      generation++;
      if (name === undefined) {
        entries.clear();
        pending.clear();
      } else {
        entries.delete(name);
        pending.delete(name);
      }
    },
    retain(names) {
      for (const name of [...entries.keys()]) if (!names.has(name)) entries.delete(name);
    },
  };
}
