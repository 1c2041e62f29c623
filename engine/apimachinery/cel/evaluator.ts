// Evaluates a parsed CEL expression against variables, under a cost budget: every node costs 1,
// functions charge for the size of what they touch, and comprehensions for each element, so any
// expression stops (CelCostError) long before it could stall the server. && and || and the
// all/exists macros absorb errors the way CEL specifies (false && error == false).
import type { Expr } from './ast';
import { CelCostError, CelEvalError } from './errors';
import { GLOBALS, MEMBERS, type Charge } from './registry';
import { CelMap, CelObject, CelOptional, CelType, Uint, toJson, typeName, type CelValue } from './values';

/** Budget shared by the expressions of one request; `remaining` goes down as they run. */
export interface CostBudget {
  remaining: number;
}

const TYPE_NAMES = ['int', 'uint', 'double', 'string', 'bool', 'bytes', 'list', 'map', 'null_type', 'type'];

/** A map whose values are computed on first use (VAP `variables`). */
export class LazyMap extends CelMap {
  private readonly memo = new Map<string, CelValue | CelEvalError>();
  constructor(private readonly thunks: Map<string, () => CelValue>) {
    super();
  }
  override get size(): number {
    return this.thunks.size;
  }
  override has(key: CelValue): boolean {
    return typeof key === 'string' && this.thunks.has(key);
  }
  override get(key: CelValue): CelValue | undefined {
    if (typeof key !== 'string' || !this.thunks.has(key)) return undefined;
    if (!this.memo.has(key)) {
      try {
        this.memo.set(key, this.thunks.get(key)!());
      } catch (e) {
        if (!(e instanceof CelEvalError) || e instanceof CelCostError) throw e;
        this.memo.set(key, e);
      }
    }
    const v = this.memo.get(key)!;
    if (v instanceof CelEvalError) throw v;
    return v;
  }
  override keys(): CelValue[] {
    return [...this.thunks.keys()];
  }
}

interface Scope {
  name: string;
  value: CelValue;
  parent?: Scope;
}

export function evaluate(ast: Expr, vars: Record<string, CelValue>, budget: CostBudget): CelValue {
  const charge: Charge = (units) => {
    budget.remaining -= units;
    if (budget.remaining < 0) throw new CelCostError('operation cancelled: actual cost limit exceeded');
  };

  const lookup = (name: string, scope: Scope | undefined): CelValue => {
    for (let s = scope; s; s = s.parent) if (s.name === name) return s.value;
    if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
    if (TYPE_NAMES.includes(name)) return new CelType(name);
    throw new CelEvalError(`undeclared reference to '${name}'`);
  };

  function select(target: CelValue, field: string, optional: boolean | undefined): CelValue {
    if (target instanceof CelOptional) {
      if (!target.present) return target;
      const inner = select(target.value!, field, true);
      return inner;
    }
    if (target instanceof CelObject && target.field) {
      const v = target.field(field);
      if (v !== undefined) return optional ? new CelOptional(v) : v;
    }
    if (!(target instanceof CelMap)) throw new CelEvalError(`no such key: ${field} (${typeName(target)} has no fields)`);
    const v = target.get(field);
    if (optional) return new CelOptional(v);
    if (v === undefined) throw new CelEvalError(`no such key: ${field}`);
    return v;
  }

  function index(target: CelValue, key: CelValue, optional: boolean | undefined): CelValue {
    if (target instanceof CelOptional) return target.present ? index(target.value!, key, true) : target;
    if (Array.isArray(target)) {
      const i =
        typeof key === 'bigint'
          ? key
          : key instanceof Uint
            ? key.v
            : typeof key === 'number' && Number.isInteger(key)
              ? BigInt(key)
              : undefined;
      if (i === undefined) throw new CelEvalError(`no such overload: list[${typeName(key)}]`);
      const inRange = i >= 0n && i < BigInt(target.length);
      if (optional) return new CelOptional(inRange ? target[Number(i)] : undefined);
      if (!inRange) throw new CelEvalError(`index out of range: ${i}`);
      return target[Number(i)];
    }
    if (target instanceof CelMap) {
      const v = target.get(key);
      if (optional) return new CelOptional(v);
      if (v === undefined) throw new CelEvalError(`no such key: ${JSON.stringify(toJson(key))}`);
      return v;
    }
    throw new CelEvalError(`no such overload: ${typeName(target)}[${typeName(key)}]`);
  }

  const bool = (v: CelValue, what: string): boolean => {
    if (typeof v !== 'boolean') throw new CelEvalError(`no such overload: ${what} applied to ${typeName(v)}`);
    return v;
  };

  /** Evaluates, turning an ordinary evaluation error into a value the caller may absorb. */
  const attempt = (e: Expr, scope: Scope | undefined): CelValue | CelEvalError => {
    try {
      return ev(e, scope);
    } catch (err) {
      if (err instanceof CelEvalError && !(err instanceof CelCostError)) return err;
      throw err;
    }
  };

  function logical(e: Expr & { k: 'and' | 'or' }, scope: Scope | undefined): boolean {
    const decisive = e.k === 'or';
    const l = attempt(e.l, scope);
    if (l === decisive) return decisive;
    const r = attempt(e.r, scope);
    if (r === decisive) return decisive;
    if (l instanceof CelEvalError) throw l;
    if (r instanceof CelEvalError) throw r;
    bool(l, e.k === 'and' ? '_&&_' : '_||_');
    return bool(r, e.k === 'and' ? '_&&_' : '_||_');
  }

  function comprehension(e: Expr & { k: 'comp' }, scope: Scope | undefined): CelValue {
    const range = ev(e.range, scope);
    let items: CelValue[];
    if (Array.isArray(range)) items = range;
    else if (range instanceof CelMap) items = range.keys();
    else throw new CelEvalError(`expression of type '${typeName(range)}' cannot be range of a comprehension`);
    const out: CelValue[] = [];
    let count = 0;
    let pending: CelEvalError | undefined;
    for (const item of items) {
      charge(1);
      const inner: Scope = { name: e.v, value: item, parent: scope };
      if (e.macro === 'all' || e.macro === 'exists') {
        const r = attempt(e.pred, inner);
        if (r instanceof CelEvalError) pending ??= r;
        else if (bool(r, e.macro) === (e.macro === 'exists')) return e.macro === 'exists';
        continue;
      }
      if (e.macro === 'map' && !e.fn) {
        out.push(ev(e.pred, inner));
        continue;
      }
      const keep = bool(ev(e.pred, inner), e.macro);
      if (e.macro === 'exists_one') count += keep ? 1 : 0;
      else if (keep) out.push(e.macro === 'map' ? ev(e.fn!, inner) : item);
    }
    if (e.macro === 'all' || e.macro === 'exists') {
      if (pending) throw pending;
      return e.macro === 'all';
    }
    if (e.macro === 'exists_one') return count === 1;
    return out;
  }

  function call(e: Expr & { k: 'call' }, scope: Scope | undefined): CelValue {
    const args = e.args.map((a) => ev(a, scope));
    if (e.target) {
      const fn = MEMBERS[e.fn];
      if (!fn) throw new CelEvalError(`undeclared reference to '${e.fn}'`);
      return fn([ev(e.target, scope), ...args], charge);
    }
    const fn = GLOBALS[e.fn];
    if (!fn) throw new CelEvalError(`undeclared reference to '${e.fn}'`);
    return fn(args, charge);
  }

  function ev(e: Expr, scope: Scope | undefined): CelValue {
    charge(1);
    switch (e.k) {
      case 'lit':
        return e.v;
      case 'id':
        return lookup(e.name, scope);
      case 'sel':
        return select(ev(e.target, scope), e.field, e.optional);
      case 'has': {
        const t = ev(e.target, scope);
        if (!(t instanceof CelMap)) throw new CelEvalError(`invalid type for field selection: ${typeName(t)}`);
        return t.has(e.field);
      }
      case 'idx':
        return index(ev(e.target, scope), ev(e.index, scope), e.optional);
      case 'call':
        return call(e, scope);
      case 'list': {
        charge(e.items.length);
        return e.items.map((x) => ev(x, scope));
      }
      case 'map': {
        charge(e.entries.length);
        const m = new CelMap();
        for (const [k, v] of e.entries) {
          const key = ev(k, scope);
          if (m.has(key)) throw new CelEvalError(`Failed with repeated key: ${JSON.stringify(toJson(key))}`);
          m.set(key, ev(v, scope));
        }
        return m;
      }
      case 'cond':
        return bool(ev(e.c, scope), '_?_:_') ? ev(e.t, scope) : ev(e.f, scope);
      case 'and':
      case 'or':
        return logical(e, scope);
      case 'comp':
        return comprehension(e, scope);
    }
  }

  return ev(ast, undefined);
}
