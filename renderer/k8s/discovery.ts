// Discovery: every listable resource of a cluster (built-ins, aggregated APIs and CRDs),
// skipping subresources. Aggregated discovery (apidiscovery.k8s.io, Kubernetes 1.26+) gives
// them all in two documents, /api and /apis; a server without it answers those with the legacy
// lists, and then each preferred group version is read on its own (one request per group: over
// the browser's six connections per host they queued ahead of the first screen's reads).
import type { ApiResource } from './types';

interface ApiResourceList {
  groupVersion?: string;
  resources?: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[]; shortNames?: string[] }>;
}
interface ApiGroupList {
  groups?: Array<{
    name: string;
    preferredVersion?: { groupVersion: string; version: string };
    versions?: Array<{ groupVersion: string; version: string }>;
  }>;
}

export function parseResourceList(group: string, version: string, list: ApiResourceList): ApiResource[] {
  return (list.resources ?? [])
    .filter((r) => !r.name.includes('/'))
    .map((r) => ({
      group,
      version,
      name: r.name,
      kind: r.kind,
      namespaced: !!r.namespaced,
      verbs: r.verbs ?? [],
      shortNames: r.shortNames ?? [],
    }));
}

/** Group versions to ask about: the preferred version of every group. */
export function preferredVersions(groups: ApiGroupList): Array<{ group: string; version: string }> {
  return (groups.groups ?? []).map((g) => ({ group: g.name, version: g.preferredVersion?.version ?? g.versions?.[0]?.version ?? 'v1' }));
}

/** Asks for aggregated discovery (v2, else v2beta1), else the legacy lists. */
export const aggregatedAccept =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList;q=0.9,application/json;q=0.8';

interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  items?: Array<{
    metadata?: { name?: string };
    /** Preferred version first. */
    versions?: Array<{
      version: string;
      /** Stale: the server could not read this version (an aggregated API that is down). */
      freshness?: 'Current' | 'Stale';
      resources?: Array<{
        resource: string;
        responseKind?: { kind?: string };
        scope?: 'Namespaced' | 'Cluster';
        verbs?: string[];
        shortNames?: string[];
      }>;
    }>;
  }>;
}

const isAggregated = (doc: unknown): doc is APIGroupDiscoveryList => (doc as { kind?: unknown } | null)?.kind === 'APIGroupDiscoveryList';

/**
 * The preferred version of every group in an aggregated document (all versions of the core
 * group, as the legacy path reads), and the stale ones as failures.
 */
export function parseAggregated(doc: APIGroupDiscoveryList, failures: string[]): ApiResource[] {
  const out: ApiResource[] = [];
  for (const item of doc.items ?? []) {
    const group = item.metadata?.name ?? '';
    for (const v of group ? (item.versions ?? []).slice(0, 1) : (item.versions ?? [])) {
      if (v.freshness === 'Stale') {
        failures.push(`${group || 'core'}/${v.version}: the server could not read this API version`);
        continue;
      }
      for (const r of v.resources ?? []) {
        out.push({
          group,
          version: v.version,
          name: r.resource,
          kind: r.responseKind?.kind ?? '',
          namespaced: r.scope === 'Namespaced',
          verbs: r.verbs ?? [],
          shortNames: r.shortNames ?? [],
        });
      }
    }
  }
  return out;
}

export interface DiscoveryResult {
  resources: ApiResource[];
  /** Group versions that failed (e.g. an aggregated API that is down), with why. */
  failures: string[];
}

export async function discover(getJson: <T>(path: string, accept?: string) => Promise<T>): Promise<DiscoveryResult> {
  const [core, groups] = await Promise.all([
    getJson<{ versions?: string[] } | APIGroupDiscoveryList>('/api', aggregatedAccept),
    getJson<ApiGroupList | APIGroupDiscoveryList>('/apis', aggregatedAccept),
  ]);
  const failures: string[] = [];
  const found: ApiResource[] = [];
  const gvs: Array<{ group: string; version: string }> = [];
  if (isAggregated(core)) found.push(...parseAggregated(core, failures));
  else gvs.push(...(core.versions ?? ['v1']).map((v) => ({ group: '', version: v })));
  if (isAggregated(groups)) found.push(...parseAggregated(groups, failures));
  else gvs.push(...preferredVersions(groups));
  const lists = await Promise.all(
    gvs.map(async ({ group, version }) => {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      try {
        return parseResourceList(group, version, await getJson<ApiResourceList>(path));
      } catch (e) {
        failures.push(`${group || 'core'}/${version}: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      }
    }),
  );
  return { resources: [...found, ...lists.flat()].filter((r) => r.verbs.includes('list')), failures };
}
