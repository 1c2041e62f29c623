// A static worst-case cost estimate of a CEL expression, as kube-apiserver computes one when a
// CRD is written (cel-go's checker cost estimator with Kubernetes' library costs): every size
// comes from the structural schema — maxLength, maxItems, maxProperties — or, where the schema
// sets no bound, from the largest value a 3 MiB request could carry. Rules whose estimate is
// over the limits are refused before any object is validated.
import type { Expr } from './ast';
import type { CelSchema } from './values';

/** kube-apiserver's maximum request body (3 MiB), the bound on anything unbounded in a schema. */
export const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;

export interface SizedSchema extends CelSchema {
  properties?: Record<string, SizedSchema>;
  items?: SizedSchema;
  additionalProperties?: SizedSchema | boolean;
  maxLength?: number;
  minLength?: number;
  maxItems?: number;
  maxProperties?: number;
  required?: string[];
  default?: unknown;
}

/** The smallest JSON text a value of this schema can have (upstream's estimateMinSizeJSON). */
export function minSerializedSize(s: SizedSchema | undefined): number {
  if (!s) return 1;
  switch (s.type) {
    case 'boolean':
      return 4;
    case 'number':
    case 'integer':
      return 1;
    case 'string':
      return 2 + (s.minLength ?? 0);
    case 'array':
      return 2;
    case 'object': {
      let n = 2;
      for (const name of s.required ?? []) {
        const p = s.properties?.[name];
        if (p && p.default === undefined) n += minSerializedSize(p) + name.length + 3;
      }
      return n;
    }
    default:
      return 1;
  }
}

/** Most elements a list or map of this schema can hold. */
export function maxElements(s: SizedSchema | undefined): number {
  if (!s) return Infinity;
  if (s.type === 'array') return s.maxItems ?? Math.ceil((MAX_REQUEST_SIZE_BYTES - 2) / (minSerializedSize(s.items) + 1));
  if (s.type === 'object' && typeof s.additionalProperties === 'object') {
    return s.maxProperties ?? Math.ceil((MAX_REQUEST_SIZE_BYTES - 2) / (minSerializedSize(s.additionalProperties) + 4));
  }
  if (s.type === 'string') return s.maxLength ?? MAX_REQUEST_SIZE_BYTES - 2;
  return s.type ? 1 : Infinity;
}

interface Est {
  cost: number;
  /** Max size: characters of a string, elements of a list or map. */
  size: number;
  schema?: SizedSchema;
  /** The elements of a list (or keys of a map), for comprehensions. */
  elem?: Est;
}

const STRING_FACTOR = 0.1;
const REGEX_FACTOR = 0.25;
const UNKNOWN: Est = { cost: 0, size: Infinity };
const ceil = (x: number) => (Number.isFinite(x) ? Math.ceil(x) : Infinity);

function fromSchema(s: SizedSchema | undefined): Est {
  if (!s) return { cost: 1, size: Infinity };
  const est: Est = { cost: 1, size: maxElements(s), schema: s };
  if (s.type === 'array') est.elem = { ...fromSchema(s.items), cost: 0 };
  else if (s.type === 'object' && typeof s.additionalProperties === 'object') est.elem = { cost: 0, size: MAX_REQUEST_SIZE_BYTES - 2 };
  return est;
}

function child(s: SizedSchema | undefined, field?: string): SizedSchema | undefined {
  if (!s) return undefined;
  if (field !== undefined && s.properties?.[field]) return s.properties[field];
  if (s.type === 'array') return s.items;
  return typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
}

const STRING_TRAVERSAL = new Set([
  'lowerAscii',
  'upperAscii',
  'trim',
  'substring',
  'charAt',
  'reverse',
  'strings.quote',
  'replace',
  'split',
  'string',
  'bytes',
  'url',
  'isURL',
  'ip',
  'isIP',
  'ip.isCanonical',
  'cidr',
  'isCIDR',
  'quantity',
  'isQuantity',
  'semver',
  'isSemver',
  'timestamp',
  'duration',
]);
const LIST_TRAVERSAL = new Set(['isSorted', 'sum', 'min', 'max', 'join']);
const SAME_SIZE = new Set(['lowerAscii', 'upperAscii', 'trim', 'substring', 'reverse', 'replace', 'strings.quote']);

function callCost(fn: string, target: Est | undefined, args: Est[]): Est {
  const recv = target ?? args[0];
  const arg = target ? args[0] : args[1];
  const elemCost = (e: Est | undefined) => (e?.schema?.type === 'string' ? ceil(e.size * STRING_FACTOR) : 1);
  if (fn === 'contains' && target) return { cost: ceil(target.size * (arg?.size ?? 0) * STRING_FACTOR), size: 1 };
  if ((fn === 'startsWith' || fn === 'endsWith') && arg) return { cost: ceil(arg.size * STRING_FACTOR), size: 1 };
  if (fn === 'matches' || fn === 'find' || fn === 'findAll') {
    const cost = ceil(ceil(recv.size * STRING_FACTOR) * ceil((arg?.size ?? 0) * REGEX_FACTOR));
    return { cost, size: fn === 'findAll' ? recv.size : fn === 'find' ? recv.size : 1, elem: { cost: 0, size: recv.size } };
  }
  if (fn === 'validate' && arg) return { cost: ceil(ceil(arg.size * STRING_FACTOR) * 60 * REGEX_FACTOR), size: 1 };
  if (fn === '_==_' || fn === '_!=_' || fn === '_<_' || fn === '_<=_' || fn === '_>_' || fn === '_>=_') {
    const strs = args.every((a) => a.schema?.type === 'string' || a.schema === undefined);
    return { cost: strs ? Math.max(1, ceil(Math.min(args[0].size, args[1].size) * STRING_FACTOR)) : 1, size: 1 };
  }
  if (fn === '_+_') {
    const size = args[0].size + args[1].size;
    return { cost: Math.max(1, ceil(size * STRING_FACTOR)), size, elem: args[0].elem ?? args[1].elem };
  }
  if (fn === '@in') return { cost: args[1].schema?.type === 'object' ? 1 : ceil(args[1].size * elemCost(args[1].elem)), size: 1 };
  if ((fn === 'indexOf' || fn === 'lastIndexOf') && recv.elem) return { cost: ceil(recv.size * elemCost(recv.elem)), size: 1 };
  if (LIST_TRAVERSAL.has(fn) && recv.elem) return { cost: ceil(recv.size * elemCost(recv.elem)), size: fn === 'join' ? Infinity : 1 };
  if (fn.startsWith('sets.')) return { cost: ceil(args[0].size * args[1].size), size: 1 };
  if (STRING_TRAVERSAL.has(fn) || fn === 'indexOf' || fn === 'lastIndexOf') {
    const cost = 1 + ceil(recv.size * STRING_FACTOR);
    if (SAME_SIZE.has(fn)) return { cost, size: recv.size };
    if (fn === 'split') return { cost, size: recv.size, elem: { cost: 0, size: recv.size } };
    // string() of a number or other value has no size the estimator can know, as in cel-go.
    if (fn === 'string') return { cost, size: recv.schema?.type === 'string' ? recv.size : Infinity };
    return { cost, size: 1 };
  }
  return { cost: 1, size: fn === 'size' || fn === 'int' || fn === 'double' || fn === 'uint' ? 1 : Infinity };
}

/** Worst-case cost of `ast` with variables typed by `schemas` (untyped variables are unbounded). */
export function estimateCost(ast: Expr, schemas: Record<string, SizedSchema | undefined>): number {
  type Scope = { name: string; est: Est; parent?: Scope };
  const lookup = (name: string, scope?: Scope): Est | undefined => {
    for (let s = scope; s; s = s.parent) if (s.name === name) return s.est;
    return undefined;
  };
  const est = (e: Expr, scope?: Scope): Est => {
    switch (e.k) {
      case 'lit': {
        const v = e.v;
        return { cost: 0, size: typeof v === 'string' || v instanceof Uint8Array ? v.length : 1 };
      }
      case 'id': {
        const bound = lookup(e.name, scope);
        if (bound) return { ...bound, cost: 1 };
        return e.name in schemas ? fromSchema(schemas[e.name]) : { cost: 1, size: Infinity };
      }
      case 'sel':
      case 'has': {
        const t = est(e.target, scope);
        const s = child(t.schema, e.field);
        return { ...(s ? fromSchema(s) : UNKNOWN), cost: t.cost + 1 };
      }
      case 'idx': {
        const t = est(e.target, scope);
        const i = est(e.index, scope);
        const s = child(t.schema);
        return { ...(s ? fromSchema(s) : (t.elem ?? UNKNOWN)), cost: t.cost + i.cost + 1 };
      }
      case 'list': {
        const items = e.items.map((x) => est(x, scope));
        const elem = items.reduce<Est | undefined>((m, x) => (!m || x.size > m.size ? x : m), undefined);
        return { cost: 10 + items.reduce((n, x) => n + x.cost, 0), size: items.length, elem: elem && { ...elem, cost: 0 } };
      }
      case 'map': {
        const parts = e.entries.flat().map((x) => est(x, scope));
        return { cost: 30 + parts.reduce((n, x) => n + x.cost, 0), size: e.entries.length };
      }
      case 'cond': {
        const [c, t, f] = [est(e.c, scope), est(e.t, scope), est(e.f, scope)];
        return { ...(t.size >= f.size ? t : f), cost: c.cost + Math.max(t.cost, f.cost) };
      }
      case 'and':
      case 'or':
        return { cost: est(e.l, scope).cost + est(e.r, scope).cost, size: 1 };
      case 'comp': {
        const range = est(e.range, scope);
        const item = range.elem ?? { cost: 0, size: Infinity };
        const inner: Scope = { name: e.v, est: item, parent: scope };
        const pred = est(e.pred, inner);
        const fn = e.fn ? est(e.fn, inner) : undefined;
        const perItem = pred.cost + (fn?.cost ?? 0) + 2;
        const cost = range.cost + ceil(range.size * perItem);
        const mapped = e.macro === 'map' ? (e.fn ? fn : pred) : item;
        return { cost, size: e.macro === 'map' || e.macro === 'filter' ? range.size : 1, elem: mapped && { ...mapped, cost: 0 } };
      }
      case 'call': {
        const target = e.target ? est(e.target, scope) : undefined;
        const args = e.args.map((a) => est(a, scope));
        const own = callCost(e.fn, target, args);
        return { ...own, cost: own.cost + (target?.cost ?? 0) + args.reduce((n, a) => n + a.cost, 0) };
      }
    }
  };
  const total = est(ast).cost;
  return Number.isFinite(total) ? total : Number.MAX_VALUE;
}

/** upstream's getCostErrorMessage: "<what> exceeds budget by factor of 2.5x (try ...)". */
export function costErrorMessage(what: string, cost: number, limit: number): string {
  const f = cost / limit;
  const factor = f > 100 ? 'more than 100x' : f < 1.5 ? `${f.toFixed(6)}x` : `${f.toFixed(1)}x`;
  return (
    `${what} exceeds budget by factor of ${factor} (try simplifying the rule, or adding maxItems, ` +
    'maxProperties, and maxLength where arrays, maps, and strings are declared)'
  );
}
