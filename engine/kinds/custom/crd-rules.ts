// CRD validation rules (x-kubernetes-validations): compiled once per CRD version — a rule that
// does not compile refuses the CRD — and evaluated on every write of a custom object, with
// `self` the value at the rule's node and `oldSelf` the same value before an update (transition
// rules; optionalOldSelf makes it an optional). Wording follows kube-apiserver:
// `spec: Invalid value: "object": <message>`. Kinds without rules pay nothing.
import type { FieldError } from '../types';
import { forbidden, invalid } from '../validation/field-errors';
import { goRaw } from '../go-format';
import {
  compileCel,
  CelCompileError,
  CelCostError,
  CelEvalError,
  CelOptional,
  fromJson,
  PER_OBJECT_COST_BUDGET,
  STATIC_ESTIMATED_COST_LIMIT,
  STATIC_ESTIMATED_CRD_COST_LIMIT,
  costErrorMessage,
  estimateCost,
  maxElements,
  type CelProgram,
  type SizedSchema,
  type CostBudget,
} from '../../apimachinery/cel/cel';
import { isPlainObject, type StructuralSchema } from './structural-schema';

type Obj = Record<string, unknown>;

interface RuleSpec {
  rule?: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

interface CompiledRule {
  spec: RuleSpec;
  program: CelProgram;
  message?: CelProgram;
  transition: boolean;
}

/** Only the parts of the schema that hold rules somewhere below. */
export interface RuleNode {
  schema: StructuralSchema;
  rules: CompiledRule[];
  properties?: Record<string, RuleNode>;
  items?: RuleNode;
  additionalProperties?: RuleNode;
}

const REASONS = ['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate'];

/** Root fields every object has, so `self.metadata.name` checks at the root. */
const ROOT_FIELDS: Record<string, StructuralSchema> = {
  apiVersion: { type: 'string' },
  kind: { type: 'string' },
  metadata: {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    properties: { name: { type: 'string', maxLength: 253 }, generateName: { type: 'string', maxLength: 253 } },
  },
};

function goRule(r: RuleSpec): string {
  const q = (s: string | undefined) => JSON.stringify(s ?? '');
  return (
    `apiextensions.ValidationRule{Rule:${q(r.rule)}, Message:${q(r.message)}, MessageExpression:${q(r.messageExpression)}, ` +
    `Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:${q(r.fieldPath)}, OptionalOldSelf:(*bool)(nil)}`
  );
}

/** Estimated costs of a schema's rules: each rule's cost times how often it can apply. */
interface CostContext {
  cardinality: number;
  costs: { path: string; cost: number }[];
}

/** Compiles every rule under `schema`; errors are worded for the CRD's schema path. */
export function compileSchemaRules(schema: StructuralSchema, path: string): { tree?: RuleNode; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const ctx: CostContext = { cardinality: 1, costs: [] };
  const tree = compileNode(schema, path, errors, ctx, true);
  // Upstream's CRD-wide limit: the total, and the (up to four) rules costing ≥ 1% of it.
  const total = ctx.costs.reduce((n, c) => n + c.cost, 0);
  if (total > STATIC_ESTIMATED_CRD_COST_LIMIT) {
    const top = ctx.costs.filter((c) => c.cost >= STATIC_ESTIMATED_CRD_COST_LIMIT / 100).sort((a, b) => b.cost - a.cost);
    for (const c of top.slice(0, 4)) {
      errors.push(forbidden(c.path, 'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema'));
    }
    const what = 'x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema';
    errors.push(forbidden(path, costErrorMessage(what, total, STATIC_ESTIMATED_CRD_COST_LIMIT)));
  }
  return { tree, errors };
}

/** One compiled expression's estimated cost, checked against the per-rule limit. */
function observeCost(program: CelProgram, schema: StructuralSchema, p: string, what: string, errors: FieldError[], ctx: CostContext) {
  const sized = schema as SizedSchema;
  const cost = Math.min(Number.MAX_VALUE, estimateCost(program.ast, { self: sized, oldSelf: sized }) * ctx.cardinality);
  if (cost > STATIC_ESTIMATED_COST_LIMIT) errors.push(forbidden(p, costErrorMessage(what, cost, STATIC_ESTIMATED_COST_LIMIT)));
  ctx.costs.push({ path: p, cost });
}

function compileNode(s: StructuralSchema, path: string, errors: FieldError[], ctx: CostContext, root = false): RuleNode | undefined {
  if (typeof s !== 'object' || s === null) return undefined;
  const node: RuleNode = { schema: s, rules: [] };
  const typed = root ? { ...s, properties: { ...ROOT_FIELDS, ...(s.properties ?? {}) } } : s;
  const list: unknown = (s as Obj)['x-kubernetes-validations'];
  if (list !== undefined && !Array.isArray(list)) errors.push(invalid(`${path}.x-kubernetes-validations`, list, 'must be a list'));
  (Array.isArray(list) ? (list as unknown[]) : []).forEach((r, i) => {
    const p = `${path}.x-kubernetes-validations[${i}]`;
    const compiled = compileRule(r, typed, p, errors);
    if (!compiled) return;
    node.rules.push(compiled);
    observeCost(compiled.program, typed, `${p}.rule`, 'estimated rule cost', errors, ctx);
    if (compiled.message) observeCost(compiled.message, typed, `${p}.messageExpression`, 'estimated messageExpression cost', errors, ctx);
  });
  // Children of a list or map apply once per element (upstream's MaxCardinality).
  const inner: CostContext = { ...ctx, cardinality: ctx.cardinality * maxElements(s) };
  if (s.type !== 'array' && !isPlainObject(s.additionalProperties)) inner.cardinality = ctx.cardinality;
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    const c = compileNode(child, `${path}.properties[${name}]`, errors, inner);
    if (c) (node.properties ??= {})[name] = c;
  }
  if (isPlainObject(s.items)) node.items = compileNode(s.items, `${path}.items`, errors, inner);
  if (isPlainObject(s.additionalProperties)) {
    node.additionalProperties = compileNode(s.additionalProperties, `${path}.additionalProperties`, errors, inner);
  }
  const used = node.rules.length || node.properties || node.items || node.additionalProperties;
  return used ? node : undefined;
}

function compileRule(raw: unknown, schema: StructuralSchema, p: string, errors: FieldError[]): CompiledRule | undefined {
  const r = (isPlainObject(raw) ? raw : {}) as RuleSpec;
  if (typeof r.rule !== 'string' || !r.rule.trim()) {
    errors.push({ field: `${p}.rule`, reason: 'FieldValueRequired', message: 'Required value' });
    return undefined;
  }
  if (r.reason !== undefined && !REASONS.includes(r.reason)) {
    errors.push({
      field: `${p}.reason`,
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(r.reason)}: supported values: ${REASONS.map((x) => JSON.stringify(x)).join(', ')}`,
    });
  }
  const opts = { variables: ['self', 'oldSelf'], schemas: { self: schema, ...(r.optionalOldSelf ? {} : { oldSelf: schema }) } };
  let program: CelProgram;
  try {
    program = compileCel(r.rule, { ...opts, wantBool: true });
  } catch (e) {
    if (!(e instanceof CelCompileError)) throw e;
    errors.push(invalid(`${p}.rule`, goRaw(goRule(r)), `compilation failed: ${e.message}`));
    return undefined;
  }
  let message: CelProgram | undefined;
  if (r.messageExpression) {
    try {
      message = compileCel(r.messageExpression, opts);
    } catch (e) {
      if (!(e instanceof CelCompileError)) throw e;
      errors.push(invalid(`${p}.messageExpression`, goRaw(goRule(r)), `messageExpression compilation failed: ${e.message}`));
      return undefined;
    }
  }
  if (r.optionalOldSelf && !program.references.has('oldSelf')) {
    errors.push(invalid(`${p}.optionalOldSelf`, true, 'may not be set if oldSelf is not used in rule'));
  }
  return { spec: r, program, message, transition: program.references.has('oldSelf') };
}

const typeWord = (s: StructuralSchema, v: unknown): string =>
  s.type ?? (Array.isArray(v) ? 'array' : isPlainObject(v) ? 'object' : typeof v === 'number' ? 'number' : typeof v);

/** Evaluates the rules of `tree` on a custom object (and its previous state on update). */
export function validateSchemaRules(tree: RuleNode, obj: Obj, old: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const budget: CostBudget = { remaining: PER_OBJECT_COST_BUDGET };
  try {
    walk(tree, obj, old, '', errs, budget);
  } catch (e) {
    if (!(e instanceof CelCostError)) throw e;
  }
  return errs;
}

function walk(node: RuleNode, value: unknown, old: unknown, path: string, errs: FieldError[], budget: CostBudget): void {
  if (value === undefined || value === null) return;
  for (const r of node.rules) runRule(node, r, value, old, path, errs, budget);
  if (isPlainObject(value)) {
    const oldObj = isPlainObject(old) ? old : undefined;
    for (const [k, c] of Object.entries(node.properties ?? {})) walk(c, value[k], oldObj?.[k], join(path, k), errs, budget);
    if (node.additionalProperties) {
      for (const [k, v] of Object.entries(value)) walk(node.additionalProperties, v, oldObj?.[k], `${path}[${k}]`, errs, budget);
    }
  }
  if (Array.isArray(value) && node.items) {
    const correlate = oldListElement(node.schema, old);
    value.forEach((v, i) => walk(node.items!, v, correlate(v), `${path}[${i}]`, errs, budget));
  }
}

const join = (path: string, k: string) => (path ? `${path}.${k}` : k);

/** Old elements line up with new ones in map lists (by key) and sets (by value); atomic lists don't. */
function oldListElement(s: StructuralSchema, old: unknown): (v: unknown) => unknown {
  if (!Array.isArray(old)) return () => undefined;
  const olds = old as unknown[];
  const keys = s['x-kubernetes-list-map-keys'];
  if (s['x-kubernetes-list-type'] === 'map' && keys?.length) {
    const id = (v: unknown) => (isPlainObject(v) ? JSON.stringify(keys.map((k) => v[k])) : '');
    const byKey = new Map(olds.map((o) => [id(o), o] as const));
    return (v) => byKey.get(id(v));
  }
  if (s['x-kubernetes-list-type'] === 'set') return (v) => olds.find((o) => JSON.stringify(o) === JSON.stringify(v));
  return () => undefined;
}

function runRule(node: RuleNode, r: CompiledRule, value: unknown, old: unknown, path: string, errs: FieldError[], budget: CostBudget) {
  const hasOld = old !== undefined && old !== null;
  if (r.transition && !hasOld && !r.spec.optionalOldSelf) return;
  const self = fromJson(value, node.schema);
  const oldSelf = r.spec.optionalOldSelf
    ? new CelOptional(hasOld ? fromJson(old, node.schema) : undefined)
    : hasOld
      ? fromJson(old, node.schema)
      : null;
  const vars = { self, oldSelf };
  const type = typeWord(node.schema, value);
  const field = r.spec.fieldPath ? join(path, r.spec.fieldPath.replace(/^\./, '')) : path;
  let ok: unknown;
  try {
    ok = r.program.eval(vars, budget);
  } catch (e) {
    if (e instanceof CelCostError) {
      errs.push(invalid(path, type, 'validation failed due to running out of cost budget, no further validation rules will be run'));
      throw e;
    }
    if (!(e instanceof CelEvalError)) throw e;
    errs.push(invalid(path, type, `${e.message} evaluating rule: ${r.spec.rule}`));
    return;
  }
  if (ok === true) return;
  if (ok !== false) {
    errs.push(invalid(path, type, `rule did not evaluate to a bool evaluating rule: ${r.spec.rule}`));
    return;
  }
  errs.push(ruleError(r.spec.reason, field, type, messageOf(r, vars, budget)));
}

function messageOf(r: CompiledRule, vars: Record<string, ReturnType<typeof fromJson>>, budget: CostBudget): string {
  const fallback = r.spec.message || `failed rule: ${r.spec.rule}`;
  if (!r.message) return fallback;
  try {
    const m = r.message.eval(vars, budget);
    return typeof m === 'string' && m.trim() !== '' && !m.includes('\n') ? m : fallback;
  } catch (e) {
    if (e instanceof CelCostError) throw e;
    return fallback;
  }
}

function ruleError(reason: string | undefined, field: string, type: string, message: string): FieldError {
  switch (reason) {
    case 'FieldValueForbidden':
      return { field, reason, message: `Forbidden: ${message}` };
    case 'FieldValueRequired':
      return { field, reason, message: `Required value: ${message}` };
    case 'FieldValueDuplicate':
      return { field, reason, message: `Duplicate value: ${JSON.stringify(type)}: ${message}` };
    default:
      return invalid(field, type, message);
  }
}
