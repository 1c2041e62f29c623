// A light checker run at compile time: expression depth, undeclared variables and functions,
// argument counts, fields a structural schema does not declare (`self.nmae` is refused when the
// schema has no such property), and results that can never be a bool where a bool is required.
// Calls like `optional.of(x)` are rewritten to their global names here.
import type { Expr } from './ast';
import { compileError } from './errors';
import { GLOBAL_ARITY, MEMBER_ARITY } from './registry';
import type { CelSchema } from './values';

/** Deepest parsed tree accepted: chains of binary operators nest without parentheses. */
export const MAX_AST_DEPTH = 250;

type Schema = CelSchema;

export interface CheckOptions {
  /** Top-level variable names (self, oldSelf, object, request, ...). */
  variables: string[];
  /** Structural schemas of variables, for field checks (self and oldSelf in CRD rules). */
  schemas?: Record<string, Schema | undefined>;
  /** The expression must evaluate to a bool (rules, VAP validations, match conditions). */
  wantBool?: boolean;
}

const TYPE_NAMES = ['int', 'uint', 'double', 'string', 'bool', 'bytes', 'list', 'map', 'null_type', 'type'];
const NON_BOOL_CALLS = new Set(['_+_', '_-_', '_*_', '_/_', '_%_', '-_', 'size', 'int', 'uint', 'double', 'string', 'bytes']);

function children(e: Expr): Expr[] {
  switch (e.k) {
    case 'sel':
    case 'has':
      return [e.target];
    case 'idx':
      return [e.target, e.index];
    case 'call':
      return e.target ? [e.target, ...e.args] : e.args;
    case 'list':
      return e.items;
    case 'map':
      return e.entries.flat();
    case 'cond':
      return [e.c, e.t, e.f];
    case 'and':
    case 'or':
      return [e.l, e.r];
    case 'comp':
      return e.fn ? [e.range, e.pred, e.fn] : [e.range, e.pred];
    default:
      return [];
  }
}

/** Without recursion, so a deep tree cannot overflow the stack before it is refused. */
function checkDepth(src: string, root: Expr): void {
  const stack: [Expr, number][] = [[root, 1]];
  while (stack.length) {
    const [e, d] = stack.pop()!;
    if (d > MAX_AST_DEPTH) throw compileError(src, e.pos, `expression nesting exceeds the limit of ${MAX_AST_DEPTH}`);
    for (const c of children(e)) stack.push([c, d + 1]);
  }
}

/** The schema of a self/oldSelf selection chain, or undefined when not known. */
function schemaOf(e: Expr, bound: Set<string>, opts: CheckOptions): Schema | undefined {
  if (e.k === 'id') return bound.has(e.name) ? undefined : opts.schemas?.[e.name];
  if (e.k === 'sel' && !e.optional) {
    const s = schemaOf(e.target, bound, opts);
    return s?.properties?.[e.field] ?? (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);
  }
  if (e.k === 'idx') {
    const s = schemaOf(e.target, bound, opts);
    return s?.items ?? (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);
  }
  return undefined;
}

function closedObject(s: Schema | undefined): boolean {
  return !!s && s.type === 'object' && !!s.properties && !s.additionalProperties && !s['x-kubernetes-preserve-unknown-fields'];
}

/** Checks the tree; returns the top-level variables it references. */
export function check(src: string, root: Expr, opts: CheckOptions): Set<string> {
  checkDepth(src, root);
  const references = new Set<string>();
  const fail = (e: Expr, msg: string): never => {
    throw compileError(src, e.pos, msg);
  };
  const walk = (e: Expr, bound: Set<string>): void => {
    if (e.k === 'id') {
      if (!bound.has(e.name) && !opts.variables.includes(e.name) && !TYPE_NAMES.includes(e.name)) {
        fail(e, `undeclared reference to '${e.name}' (in container '')`);
      }
      if (!bound.has(e.name) && opts.variables.includes(e.name)) references.add(e.name);
      return;
    }
    if ((e.k === 'sel' || e.k === 'has') && closedObject(schemaOf(e.target, bound, opts))) {
      if (!(e.field in (schemaOf(e.target, bound, opts)?.properties ?? {}))) fail(e, `undefined field '${e.field}'`);
    }
    if (e.k === 'call') {
      // optional.of(x), format.dns1123Label(), ip.isCanonical(s), sets.contains(a, b) parse as calls
      // on a name; when that name is no variable, they are the namespaced global functions.
      const ns = e.target?.k === 'id' ? e.target.name : undefined;
      if (ns && `${ns}.${e.fn}` in GLOBAL_ARITY && !bound.has(ns) && !opts.variables.includes(ns)) {
        Object.assign(e, { fn: `${ns}.${e.fn}`, target: undefined });
        delete (e as { target?: Expr }).target;
      }
      const arity = e.target ? MEMBER_ARITY[e.fn] : (GLOBAL_ARITY[e.fn] ?? (/^(_.*_|!_|-_|@in)$/.test(e.fn) ? [e.args.length] : undefined));
      if (!arity) fail(e, `undeclared reference to '${e.fn}' (in container '')`);
      if (!arity?.includes(e.args.length)) {
        fail(e, `found no matching overload for '${e.fn}' applied to ${e.args.length + (e.target ? 1 : 0)} arguments`);
      }
    }
    if (e.k === 'comp') {
      if (opts.variables.includes(e.v) || bound.has(e.v)) {
        // Shadowing is allowed by CEL; nothing to refuse.
      }
      walk(e.range, bound);
      const inner = new Set(bound).add(e.v);
      walk(e.pred, inner);
      if (e.fn) walk(e.fn, inner);
      return;
    }
    for (const c of children(e)) walk(c, bound);
  };
  walk(root, new Set());
  const known = schemaOf(root, new Set(), opts)?.type;
  if (opts.wantBool && (definitelyNotBool(root) || (known && known !== 'boolean'))) {
    fail(root, 'expression must evaluate to a bool');
  }
  return references;
}

function definitelyNotBool(e: Expr): boolean {
  if (e.k === 'lit') return typeof e.v !== 'boolean';
  if (e.k === 'list' || e.k === 'map') return true;
  if (e.k === 'comp') return e.macro === 'map' || e.macro === 'filter';
  if (e.k === 'call') return NON_BOOL_CALLS.has(e.fn) && !e.target;
  return false;
}
