// Discovery: every listable resource of a cluster (built-ins, aggregated APIs and CRDs),
// from /api, /apis and each preferred group version, skipping subresources.
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

export interface DiscoveryResult {
  resources: ApiResource[];
  /** Group versions that failed (e.g. an aggregated API that is down), with why. */
  failures: string[];
}

export async function discover(getJson: <T>(path: string) => Promise<T>): Promise<DiscoveryResult> {
  const [core, groups] = await Promise.all([getJson<{ versions?: string[] }>('/api'), getJson<ApiGroupList>('/apis')]);
  const gvs = [...(core.versions ?? ['v1']).map((v) => ({ group: '', version: v })), ...preferredVersions(groups)];
  const failures: string[] = [];
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
  return { resources: lists.flat().filter((r) => r.verbs.includes('list')), failures };
}
