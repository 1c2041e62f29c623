// The names of every object of every listable kind, for the palette's search across kinds:
// one paged Table list per kind (names and namespaces only: includeObject=Metadata), a few kinds
// at a time, each page's names handed over as it arrives.
import { tableAccept, type K8sClient } from './client';
import { resourcePath } from './resources';
import { toRow } from './table-model';
import type { ApiResource, RawTable } from './types';

export interface IndexedObject {
  resource: ApiResource;
  namespace: string;
  name: string;
}

const INDEX_PAGE = 5000;

// Events churn and are many; they are searched in their own list, not from the palette.
const skipped = new Set(['/events', 'events.k8s.io/events']);

/** Kinds worth searching by name: listable, not subresources, not events. */
export function searchableKinds(resources: ApiResource[]): ApiResource[] {
  const seen = new Set<string>();
  return resources.filter((r) => {
    const id = `${r.group}/${r.name}`;
    if (r.name.includes('/') || skipped.has(id) || seen.has(id)) return false;
    seen.add(id);
    return r.verbs.length === 0 || r.verbs.includes('list');
  });
}

export async function loadObjectIndex(
  client: K8sClient,
  kinds: ApiResource[],
  namespace: string,
  opts: { signal?: AbortSignal; concurrency?: number; onKind: (objects: IndexedObject[]) => void },
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < kinds.length && !opts.signal?.aborted) {
      const r = kinds[next++];
      try {
        // In pages: one list of 50,000 pods would hold the API server's event loop for
        // seconds, and every other request of the app (on its few connections) behind it.
        let columns: RawTable['columnDefinitions'] = [];
        let token: string | undefined;
        do {
          const table = await client.getJson<RawTable>(resourcePath(r, r.namespaced ? namespace : ''), {
            accept: tableAccept,
            query: { includeObject: 'Metadata', limit: String(INDEX_PAGE), continue: token },
            signal: opts.signal,
            what: r.name,
          });
          if (table.columnDefinitions?.length) columns = table.columnDefinitions;
          const rows = (table.rows ?? []).map((raw) => toRow(raw, columns ?? []));
          if (opts.signal?.aborted) return;
          opts.onKind(rows.map((row) => ({ resource: r, namespace: row.namespace, name: row.name })));
          token = table.metadata?.continue || undefined;
        } while (token);
      } catch {
        // A kind this user may not list (or an aggregated API that is down) is simply not searched.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, kinds.length) }, worker));
}
