// A custom resource read with its CRD: the served version's schema (descriptions per field),
// its printer columns, the resource a CRD serves, and the object's fields as rows of a tree.
import type { ApiResource, KubeObject } from './types';

export interface SchemaNode {
  description?: string;
  type?: string;
  format?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  deprecated?: boolean;
  schema?: { openAPIV3Schema?: SchemaNode };
  additionalPrinterColumns?: PrinterColumn[];
}

export interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: { plural: string; kind: string; singular?: string; shortNames?: string[] };
  versions: CrdVersion[];
}

const specOf = (crd: KubeObject) => crd.spec as unknown as CrdSpec;

export function crdVersion(crd: KubeObject, version: string): CrdVersion | undefined {
  return specOf(crd).versions?.find((v) => v.name === version);
}

/** The version a list opens on: the storage version if served, else the first served one. */
export function preferredVersion(crd: KubeObject): string | undefined {
  const served = (specOf(crd).versions ?? []).filter((v) => v.served !== false);
  return (served.find((v) => v.storage) ?? served[0])?.name;
}

/** The resource a CRD serves: discovery's entry when it has one, else made from the CRD. */
export function crdResource(crd: KubeObject, discovered: ApiResource[]): ApiResource | undefined {
  const s = specOf(crd);
  if (!s?.group || !s.names?.plural) return undefined;
  const found = discovered.find((r) => r.group === s.group && r.name === s.names.plural);
  if (found) return found;
  const version = preferredVersion(crd);
  if (!version) return undefined;
  return {
    group: s.group,
    version,
    name: s.names.plural,
    kind: s.names.kind,
    namespaced: s.scope !== 'Cluster',
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
    shortNames: s.names.shortNames ?? [],
  };
}

/** The schema of a field under `root`, following properties, list items and map values. */
export function schemaAt(root: SchemaNode | undefined, path: readonly (string | number)[]): SchemaNode | undefined {
  let node = root;
  for (const seg of path) {
    if (!node) return undefined;
    if (typeof seg === 'number') node = node.items;
    else if (node.properties?.[seg]) node = node.properties[seg];
    else node = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
  }
  return node;
}

export interface FieldRow {
  /** `spec.items[0].name`, as the API server names fields. */
  path: string;
  depth: number;
  key: string;
  /** A scalar's text; undefined for an object or a list (its children follow). */
  value?: string;
  /** `{3}` / `[2]` for containers, shown when their children are. */
  summary?: string;
  description?: string;
}

// An empty string is shown quoted, so it does not read as a missing value.
const scalarText = (v: unknown) => (typeof v === 'string' ? v || '""' : v === null ? 'null' : JSON.stringify(v));

/** The object's fields in reading order, each with its schema description when the CRD has one. */
export function fieldRows(value: unknown, schema: SchemaNode | undefined, key: string, limit = 400): { rows: FieldRow[]; more: number } {
  const rows: FieldRow[] = [];
  let more = 0;
  const walk = (v: unknown, s: SchemaNode | undefined, k: string, path: string, depth: number) => {
    if (rows.length >= limit) {
      more++;
      return;
    }
    const description = s?.description?.trim() || undefined;
    if (Array.isArray(v)) {
      rows.push({ path, depth, key: k, summary: `[${v.length}]`, description });
      v.forEach((item, i) => walk(item, s?.items, `[${i}]`, `${path}[${i}]`, depth + 1));
    } else if (v && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      rows.push({ path, depth, key: k, summary: `{${entries.length}}`, description });
      for (const [ck, cv] of entries) walk(cv, schemaAt(s, [ck]), ck, `${path}.${ck}`, depth + 1);
    } else rows.push({ path, depth, key: k, value: scalarText(v), description });
  };
  walk(value, schema, key, key, 0);
  return { rows, more };
}
