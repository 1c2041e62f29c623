// Defaulting and pruning of custom objects by their structural schema, as kube-apiserver does
// on every write: `default` fills absent fields (inside present objects and list items), and
// fields the schema does not declare are unknown (pruned, or reported by fieldValidation)
// unless x-kubernetes-preserve-unknown-fields keeps them.
import { ROOT_META, childPath, isPlainObject, type StructuralSchema } from './structural-schema';

/** Fills defaults in place. apiVersion, kind and metadata are left alone. */
export function applyDefaults(schema: StructuralSchema | undefined, obj: Record<string, unknown>): void {
  const plan = schema && planOf(schema);
  if (plan) defaultObject(plan, obj, true);
}

/**
 * Where a schema node has defaults: only the properties whose subtree holds one, so an object
 * of a schema with thousands of properties and few defaults is defaulted without walking them
 * all on every write. Undefined when nothing under the node has a default.
 */
interface DefaultPlan {
  props: { key: string; schema: StructuralSchema; plan: DefaultPlan | undefined }[];
  /** Every declared property name (additionalProperties apply to the others). */
  declared: Record<string, StructuralSchema> | undefined;
  items?: DefaultPlan;
  additional?: DefaultPlan;
}

const plans = new WeakMap<StructuralSchema, DefaultPlan | null>();

function planOf(s: StructuralSchema): DefaultPlan | undefined {
  const hit = plans.get(s);
  if (hit !== undefined) return hit ?? undefined;
  const props: DefaultPlan['props'] = [];
  for (const [key, ps] of Object.entries(s.properties ?? {})) {
    const plan = planOf(ps);
    if (plan || ps.default !== undefined) props.push({ key, schema: ps, plan });
  }
  const items = s.items ? planOf(s.items) : undefined;
  const additional = isPlainObject(s.additionalProperties) ? planOf(s.additionalProperties) : undefined;
  const plan = props.length || items || additional ? { props, declared: s.properties, items, additional } : undefined;
  plans.set(s, plan ?? null);
  return plan;
}

function defaultValue(plan: DefaultPlan | undefined, v: unknown): void {
  if (!plan) return;
  if (Array.isArray(v)) {
    if (plan.items) for (const item of v) defaultValue(plan.items, item);
  } else if (isPlainObject(v)) {
    defaultObject(plan, v, false);
  }
}

function defaultObject(plan: DefaultPlan, v: Record<string, unknown>, root: boolean): void {
  for (const { key: k, schema: ps, plan: child } of plan.props) {
    if (root && ROOT_META.has(k)) continue;
    if (v[k] === undefined && ps.default !== undefined) v[k] = structuredClone(ps.default);
    // A null in a non-nullable field with a default is defaulted, as upstream does.
    else if (v[k] === null && !ps.nullable && ps.default !== undefined) v[k] = structuredClone(ps.default);
    if (v[k] !== undefined) defaultValue(child, v[k]);
  }
  if (plan.additional) {
    for (const [k, child] of Object.entries(v)) if (!plan.declared?.[k]) defaultValue(plan.additional, child);
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
