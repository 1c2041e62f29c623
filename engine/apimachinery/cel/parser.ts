// A recursive-descent parser for CEL's grammar (cel-spec's langdef): ternary, ||, &&, relations
// (incl. `in`), + -, * / %, unary ! and -, member selection, indexing, calls, list and map
// literals, and the optional `.?field` / `[?key]` forms. Nesting is bounded so no expression can
// exhaust the stack.
import type { Expr, Macro } from './ast';
import { compileError } from './errors';
import { tokenize, type Token } from './lexer';
import { Uint, utf8Encode } from './values';

/** Deepest nesting accepted (cel-go's default parser recursion limit is 250; rules need far less). */
export const MAX_NESTING = 100;
/** Longest expression source accepted. */
export const MAX_SOURCE = 64 * 1024;

const RESERVED = new Set([
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);
const RELOPS = new Set(['<', '<=', '>', '>=', '==', '!=', 'in']);
const MACROS: Record<string, { macro: Macro; args: number[] }> = {
  all: { macro: 'all', args: [2] },
  exists: { macro: 'exists', args: [2] },
  exists_one: { macro: 'exists_one', args: [2] },
  existsOne: { macro: 'exists_one', args: [2] },
  map: { macro: 'map', args: [2, 3] },
  filter: { macro: 'filter', args: [2] },
};

export function parse(src: string): Expr {
  if (src.length > MAX_SOURCE) throw compileError(src, 0, `expression of ${src.length} characters exceeds the limit of ${MAX_SOURCE}`);
  const toks = tokenize(src);
  let p = 0;
  let depth = 0;
  const peek = (): Token => toks[p];
  const isOp = (v: string) => toks[p].kind === 'op' && toks[p].value === v;
  const fail = (t: Token, msg: string): never => {
    throw compileError(src, t.pos, `Syntax error: ${msg}`);
  };
  const expect = (v: string) => {
    if (!isOp(v)) fail(peek(), `mismatched input '${String(peek().value)}' expecting '${v}'`);
    p++;
  };
  const nest = <T>(f: () => T): T => {
    if (++depth > MAX_NESTING) throw compileError(src, peek().pos, `expression nesting exceeds the limit of ${MAX_NESTING}`);
    try {
      return f();
    } finally {
      depth--;
    }
  };

  function expr(): Expr {
    return nest(() => {
      const c = or();
      if (!isOp('?')) return c;
      const pos = toks[p++].pos;
      const t = or();
      expect(':');
      const f = expr();
      return { k: 'cond', c, t, f, pos };
    });
  }
  function or(): Expr {
    let l = and();
    while (isOp('||')) {
      const pos = toks[p++].pos;
      l = { k: 'or', l, r: and(), pos };
    }
    return l;
  }
  function and(): Expr {
    let l = relation();
    while (isOp('&&')) {
      const pos = toks[p++].pos;
      l = { k: 'and', l, r: relation(), pos };
    }
    return l;
  }
  function relation(): Expr {
    let l = addition();
    for (;;) {
      const t = peek();
      const op = t.kind === 'op' || (t.kind === 'ident' && t.value === 'in') ? String(t.value) : '';
      if (!RELOPS.has(op)) return l;
      p++;
      l = { k: 'call', fn: op === 'in' ? '@in' : `_${op}_`, args: [l, addition()], pos: t.pos };
    }
  }
  function addition(): Expr {
    let l = multiplication();
    while (isOp('+') || isOp('-')) {
      const t = toks[p++];
      l = { k: 'call', fn: `_${t.value}_`, args: [l, multiplication()], pos: t.pos };
    }
    return l;
  }
  function multiplication(): Expr {
    let l = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const t = toks[p++];
      l = { k: 'call', fn: `_${t.value}_`, args: [l, unary()], pos: t.pos };
    }
    return l;
  }
  function unary(): Expr {
    return nest(() => {
      const t = peek();
      if (isOp('!')) {
        p++;
        return { k: 'call', fn: '!_', args: [unary()], pos: t.pos };
      }
      if (isOp('-')) {
        p++;
        const n = peek();
        // -9223372036854775808 is only expressible as a negated literal.
        if (n.kind === 'int' || n.kind === 'double') {
          const m = member();
          if (m.k === 'lit' && m.pos === n.pos) return { k: 'lit', v: typeof m.v === 'bigint' ? -m.v : -(m.v as number), pos: t.pos };
          return { k: 'call', fn: '-_', args: [m], pos: t.pos };
        }
        return { k: 'call', fn: '-_', args: [unary()], pos: t.pos };
      }
      return member();
    });
  }
  function member(): Expr {
    let e = primary();
    for (;;) {
      const t = peek();
      if (isOp('.') || isOp('?.')) {
        // `?.` is not CEL; `.?field` is the optional selection.
        if (isOp('?.')) fail(t, "mismatched input '?.'");
        p++;
        const optional = isOp('?') ? (p++, true) : false;
        const name = peek();
        if (name.kind !== 'ident') fail(name, `mismatched input '${String(name.value)}' expecting IDENTIFIER`);
        p++;
        if (!optional && isOp('(')) {
          p++;
          const args = exprList(')');
          e = call(String(name.value), e, args, name);
        } else e = { k: 'sel', target: e, field: String(name.value), ...(optional ? { optional } : {}), pos: name.pos };
      } else if (isOp('[')) {
        p++;
        const optional = isOp('?') ? (p++, true) : false;
        const index = expr();
        expect(']');
        e = { k: 'idx', target: e, index, ...(optional ? { optional } : {}), pos: t.pos };
      } else return e;
    }
  }
  function exprList(close: string): Expr[] {
    const items: Expr[] = [];
    while (!isOp(close)) {
      items.push(expr());
      if (isOp(',')) p++;
      else if (!isOp(close)) fail(peek(), `mismatched input '${String(peek().value)}' expecting {',', '${close}'}`);
    }
    p++;
    return items;
  }
  function call(fn: string, target: Expr | undefined, args: Expr[], at: Token): Expr {
    const m = target ? MACROS[fn] : undefined;
    if (m && m.args.includes(args.length)) {
      const v = args[0];
      if (v.k !== 'id') throw compileError(src, v.pos, 'argument must be a simple name');
      const [pred, fn2] = args.length === 3 ? [args[1], args[2]] : [args[1], undefined];
      return { k: 'comp', macro: m.macro, range: target!, v: v.name, pred, ...(fn2 ? { fn: fn2 } : {}), pos: at.pos };
    }
    if (!target && fn === 'has') {
      const a = args[0];
      if (args.length !== 1 || a.k !== 'sel' || a.optional) throw compileError(src, at.pos, 'invalid argument to has() macro');
      return { k: 'has', target: a.target, field: a.field, pos: at.pos };
    }
    return { k: 'call', fn, ...(target ? { target } : {}), args, pos: at.pos };
  }
  function primary(): Expr {
    const t = toks[p++];
    switch (t.kind) {
      case 'int':
        if ((t.value as bigint) > 9223372036854775807n && !(toks[p - 2]?.value === '-')) fail(t, 'invalid int literal');
        return { k: 'lit', v: t.value, pos: t.pos };
      case 'uint':
        if ((t.value as bigint) > 18446744073709551615n) fail(t, 'invalid uint literal');
        return { k: 'lit', v: new Uint(t.value as bigint), pos: t.pos };
      case 'double':
        return { k: 'lit', v: t.value as number, pos: t.pos };
      case 'string':
        return { k: 'lit', v: t.value as string, pos: t.pos };
      case 'bytes':
        return { k: 'lit', v: utf8Encode(t.value as string), pos: t.pos };
      case 'ident': {
        const name = String(t.value);
        if (name === 'true' || name === 'false') return { k: 'lit', v: name === 'true', pos: t.pos };
        if (name === 'null') return { k: 'lit', v: null, pos: t.pos };
        if (RESERVED.has(name) || name === 'in') fail(t, `reserved identifier: ${name}`);
        if (isOp('(')) {
          p++;
          return call(name, undefined, exprList(')'), t);
        }
        return { k: 'id', name, pos: t.pos };
      }
      case 'op':
        if (t.value === '(') {
          const e = expr();
          expect(')');
          return e;
        }
        if (t.value === '[') return nest(() => ({ k: 'list', items: exprList(']'), pos: t.pos }));
        if (t.value === '{') return nest(() => mapLiteral(t));
        if (t.value === '.') {
          const n = peek();
          if (n.kind === 'ident') return primary();
        }
        return fail(t, `mismatched input '${String(t.value)}' expecting <expression>`);
      default:
        return fail(t, `mismatched input '<EOF>' expecting <expression>`);
    }
  }
  function mapLiteral(t: Token): Expr {
    const entries: [Expr, Expr][] = [];
    while (!isOp('}')) {
      const key = expr();
      expect(':');
      entries.push([key, expr()]);
      if (isOp(',')) p++;
      else if (!isOp('}')) fail(peek(), `mismatched input '${String(peek().value)}' expecting {',', '}'}`);
    }
    p++;
    return { k: 'map', entries, pos: t.pos };
  }

  const e = expr();
  if (peek().kind !== 'eof') fail(peek(), `mismatched input '${String(peek().value)}' expecting <EOF>`);
  return e;
}
