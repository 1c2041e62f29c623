// Custom resources in the sidebar: the discovered resources a CustomResourceDefinition serves
// (by its name, <plural>.<group>), grouped by API group — and which CRDs discovery has not
// seen yet (created after it ran), so it can be read again.
import type { ApiResource, RawTable } from './types';

export interface ResourceGroup {
  group: string;
  items: ApiResource[];
}

export const crdName = (r: Pick<ApiResource, 'name' | 'group'>) => `${r.name}.${r.group}`;

/** CRD names from a Table of CRDs (its Name column; no objects: their schemas can be megabytes). */
export function crdNamesOf(t: RawTable): Set<string> {
  const col = Math.max(
    0,
    (t.columnDefinitions ?? []).findIndex((c) => c.name === 'Name'),
  );
  return new Set((t.rows ?? []).map((r) => String(r.cells[col] as string)));
}

export function customGroups(discovered: ApiResource[], crds: Set<string>): ResourceGroup[] {
  const byGroup = new Map<string, ApiResource[]>();
  for (const r of discovered) {
    if (!crds.has(crdName(r))) continue;
    const list = byGroup.get(r.group) ?? [];
    list.push(r);
    byGroup.set(r.group, list);
  }
  return [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, items]) => ({ group, items: items.sort((a, b) => a.kind.localeCompare(b.kind)) }));
}

/** CRDs whose resources discovery does not list (yet). */
export function undiscovered(discovered: ApiResource[], crds: Set<string>): string[] {
  const seen = new Set(discovered.map(crdName));
  return [...crds].filter((n) => !seen.has(n)).sort();
}
