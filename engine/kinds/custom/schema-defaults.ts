// Defaulting and pruning of custom objects by their structural schema, as kube-apiserver does
// on every write: `default` fills absent fields (inside present objects and list items), and
// fields the schema does not declare are unknown (pruned, or reported by fieldValidation)
// unless x-kubernetes-preserve-unknown-fields keeps them.
import { ROOT_META, childPath, isPlainObject, type StructuralSchema } from './structural-schema';

/** Fills defaults in place. apiVersion, kind and metadata are left alone. */
export function applyDefaults(schema: StructuralSchema | undefined, obj: Record<string, unknown>): void {
  if (!schema) return;
  defaultObject(schema, obj, true);
}

function defaultValue(s: StructuralSchema, v: unknown): void {
  if (Array.isArray(v)) {
    if (s.items) for (const item of v) defaultValue(s.items, item);
  } else if (isPlainObject(v)) {
    defaultObject(s, v, false);
  }
}

function defaultObject(s: StructuralSchema, v: Record<string, unknown>, root: boolean): void {
  for (const [k, ps] of Object.entries(s.properties ?? {})) {
    if (root && ROOT_META.has(k)) continue;
    if (v[k] === undefined && ps.default !== undefined) v[k] = structuredClone(ps.default);
    // A null in a non-nullable field with a default is defaulted, as upstream does.
    else if (v[k] === null && !ps.nullable && ps.default !== undefined) v[k] = structuredClone(ps.default);
    if (v[k] !== undefined) defaultValue(ps, v[k]);
  }
  if (isPlainObject(s.additionalProperties)) {
    for (const [k, child] of Object.entries(v)) if (!s.properties?.[k]) defaultValue(s.additionalProperties, child);
  }
}

/** Paths (`spec.foo`, `spec.items[0].bar`) of fields the schema does not declare. */
export function unknownFieldPaths(schema: StructuralSchema | undefined, obj: Record<string, unknown>): string[] {
  if (!schema) return [];
  const out: string[] = [];
  walkObject(schema, obj, '', out, true);
  return out;
}

function walkValue(s: StructuralSchema, v: unknown, path: string, out: string[]): void {
  if (Array.isArray(v)) {
    if (s.items) v.forEach((item, i) => walkValue(s.items!, item, `${path}[${i}]`, out));
  } else if (isPlainObject(v)) {
    walkObject(s, v, path, out, false);
  }
}

function walkObject(s: StructuralSchema, v: Record<string, unknown>, path: string, out: string[], root: boolean): void {
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  for (const [k, child] of Object.entries(v)) {
    if ((root || embedded) && ROOT_META.has(k)) continue;
    const p = childPath(path, k);
    const ps = s.properties?.[k];
    if (ps) walkValue(ps, child, p, out);
    else if (isPlainObject(s.additionalProperties)) walkValue(s.additionalProperties, child, p, out);
    else if (!preserve && s.additionalProperties !== true) out.push(p);
  }
}
