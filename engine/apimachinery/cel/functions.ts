// CEL's standard functions and operators over CelValues, plus the Kubernetes string and list
// extensions rules commonly use. Each returns its value and charges `cost` for work that grows
// with its input (strings by length, lists by size), so a budget bounds any expression.
import { CelEvalError } from './errors';
import { compileRegex } from './regex';
import { noOverload, len, str, perChar, toInt, type Charge, type Fn } from './support';
import {
  CelMap,
  CelOptional,
  CelType,
  Uint,
  celCompare,
  celEquals,
  checkInt,
  checkUint,
  typeName,
  utf8Decode,
  utf8Encode,
  type CelValue,
  INT_MAX,
  INT_MIN,
} from './values';

function arith(op: string, a: CelValue, b: CelValue, charge: Charge): CelValue {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if ((op === '/' || op === '%') && b === 0n) throw new CelEvalError(op === '/' ? 'division by zero' : 'modulus by zero');
    if (op === '/' && a === INT_MIN && b === -1n) throw new CelEvalError('integer overflow');
    return checkInt(op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b);
  }
  if (a instanceof Uint && b instanceof Uint) {
    if ((op === '/' || op === '%') && b.v === 0n) throw new CelEvalError(op === '/' ? 'division by zero' : 'modulus by zero');
    const [x, y] = [a.v, b.v];
    return checkUint(op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : x % y);
  }
  if (typeof a === 'number' && typeof b === 'number' && op !== '%') {
    return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
  }
  if (op === '+' && typeof a === 'string' && typeof b === 'string') {
    perChar(charge, a, b);
    return a + b;
  }
  if (op === '+' && Array.isArray(a) && Array.isArray(b)) {
    charge(a.length + b.length);
    return [...a, ...b];
  }
  if (op === '+' && a instanceof Uint8Array && b instanceof Uint8Array) {
    perChar(charge, a, b);
    const out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  }
  return noOverload(`_${op}_`, [a, b]);
}

function contains(coll: CelValue, x: CelValue, charge: Charge): boolean {
  if (Array.isArray(coll)) {
    charge(coll.length);
    return coll.some((e) => celEquals(e, x));
  }
  if (coll instanceof CelMap) return coll.has(x);
  return noOverload('@in', [x, coll]);
}

function toStr(v: CelValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint) return String(v.v);
  if (typeof v === 'number') return String(v);
  if (v instanceof Uint8Array) return utf8Decode(v);
  return noOverload('string', [v]);
}

function codePoints(s: string): string[] {
  return Array.from(s);
}

function listAgg(name: string, l: CelValue, charge: Charge): CelValue[] {
  if (!Array.isArray(l)) return noOverload(name, [l]);
  charge(l.length);
  return l;
}

/** Global functions and operators: name → implementation. */
export const GLOBALS: Record<string, Fn> = {
  '_+_': ([a, b], c) => arith('+', a, b, c),
  '_-_': ([a, b], c) => arith('-', a, b, c),
  '_*_': ([a, b], c) => arith('*', a, b, c),
  '_/_': ([a, b], c) => arith('/', a, b, c),
  '_%_': ([a, b], c) => arith('%', a, b, c),
  '-_': ([a]) => (typeof a === 'bigint' ? checkInt(-a) : typeof a === 'number' ? -a : noOverload('-_', [a])),
  '!_': ([a]) => (typeof a === 'boolean' ? !a : noOverload('!_', [a])),
  '_==_': ([a, b], c) => (c(Math.ceil(Math.min(len(a), len(b)) / 10)), celEquals(a, b)),
  '_!=_': ([a, b], c) => (c(Math.ceil(Math.min(len(a), len(b)) / 10)), !celEquals(a, b)),
  '_<_': ([a, b]) => celCompare(a, b) < 0,
  '_<=_': ([a, b]) => celCompare(a, b) <= 0,
  '_>_': ([a, b]) => celCompare(a, b) > 0,
  '_>=_': ([a, b]) => celCompare(a, b) >= 0,
  '@in': ([x, coll], c) => contains(coll, x, c),
  size: ([v]) => {
    if (typeof v === 'string') return BigInt(codePoints(v).length);
    if (Array.isArray(v) || v instanceof Uint8Array) return BigInt(v.length);
    if (v instanceof CelMap) return BigInt(v.size);
    return noOverload('size', [v]);
  },
  int: ([v]) => toInt(v),
  uint: ([v]) => {
    if (v instanceof Uint) return v;
    if (typeof v === 'bigint') return checkUint(v);
    if (typeof v === 'number' && Number.isFinite(v)) return checkUint(BigInt(Math.trunc(v)));
    if (typeof v === 'string' && /^\d+$/.test(v)) return checkUint(BigInt(v));
    throw new CelEvalError(`cannot convert ${typeName(v)} to uint`);
  },
  double: ([v]) => {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (v instanceof Uint) return Number(v.v);
    if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
    throw new CelEvalError(`cannot convert ${typeName(v)} to double`);
  },
  string: ([v], c) => (perChar(c, v), toStr(v)),
  bool: ([v]) => {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
    if (typeof v === 'string' && ['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
    throw new CelEvalError(`cannot convert ${typeName(v)} to bool`);
  },
  bytes: ([v]) => (v instanceof Uint8Array ? v : typeof v === 'string' ? utf8Encode(v) : noOverload('bytes', [v])),
  dyn: ([v]) => v,
  type: ([v]) => new CelType(typeName(v)),
  matches: (args, c) => {
    const s = str('matches', args, 0);
    const re = str('matches', args, 1);
    perChar(c, s, re);
    return compileRegex(re).test(s);
  },
  'optional.of': ([v]) => new CelOptional(v),
  'optional.none': () => new CelOptional(),
  'optional.ofNonZeroValue': ([v]) => new CelOptional(isZero(v) ? undefined : v),
};

function isZero(v: CelValue): boolean {
  if (v === null || v === false || v === '' || v === 0 || v === 0n) return true;
  if (v instanceof Uint) return v.v === 0n;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (v instanceof CelMap) return v.size === 0;
  return false;
}

/** Receiver-style functions (`x.f(args)`): the receiver is args[0]. */
export const MEMBERS: Record<string, Fn> = {
  size: (a, c) => GLOBALS.size(a, c),
  matches: (a, c) => GLOBALS.matches(a, c),
  startsWith: (a, c) => (perChar(c, a[1]), str('startsWith', a, 0).startsWith(str('startsWith', a, 1))),
  endsWith: (a, c) => (perChar(c, a[1]), str('endsWith', a, 0).endsWith(str('endsWith', a, 1))),
  contains: (a, c) => (perChar(c, a[0], a[1]), str('contains', a, 0).includes(str('contains', a, 1))),
  lowerAscii: (a, c) => (perChar(c, a[0]), str('lowerAscii', a, 0).replace(/[A-Z]/g, (x) => x.toLowerCase())),
  upperAscii: (a, c) => (perChar(c, a[0]), str('upperAscii', a, 0).replace(/[a-z]/g, (x) => x.toUpperCase())),
  trim: (a, c) => (perChar(c, a[0]), str('trim', a, 0).trim()),
  replace: (a, c) => {
    const [s, from, to] = [str('replace', a, 0), str('replace', a, 1), str('replace', a, 2)];
    const limit = a[3] === undefined ? -1 : Number(toInt(a[3]));
    const parts = s.split(from);
    const out =
      limit < 0
        ? parts.join(to)
        : parts.slice(0, limit + 1).join(to) + (parts.length > limit + 1 ? from + parts.slice(limit + 1).join(from) : '');
    perChar(c, s, out);
    return out;
  },
  split: (a, c) => {
    const [s, sep] = [str('split', a, 0), str('split', a, 1)];
    perChar(c, s);
    const limit = a[2] === undefined ? -1 : Number(toInt(a[2]));
    if (limit === 0) return [];
    const parts = s.split(sep);
    return limit < 0 || parts.length <= limit ? parts : [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(sep)];
  },
  join: (a, c) => {
    const l = listAgg('join', a[0], c);
    if (!l.every((x) => typeof x === 'string')) return noOverload('join', a);
    return l.join(a[1] === undefined ? '' : str('join', a, 1));
  },
  indexOf: (a, c) => {
    if (Array.isArray(a[0])) return BigInt(listAgg('indexOf', a[0], c).findIndex((x) => celEquals(x, a[1])));
    perChar(c, a[0]);
    const cps = codePoints(str('indexOf', a, 0));
    const sub = str('indexOf', a, 1);
    const from = a[2] === undefined ? 0 : Number(toInt(a[2]));
    if (from < 0 || from > cps.length) throw new CelEvalError(`index out of range: ${from}`);
    const at = cps.slice(from).join('').indexOf(sub);
    return BigInt(at < 0 ? -1 : from + codePoints(cps.slice(from).join('').slice(0, at)).length);
  },
  lastIndexOf: (a, c) => {
    if (Array.isArray(a[0])) {
      const l = listAgg('lastIndexOf', a[0], c);
      for (let i = l.length - 1; i >= 0; i--) if (celEquals(l[i], a[1])) return BigInt(i);
      return -1n;
    }
    perChar(c, a[0]);
    const s = str('lastIndexOf', a, 0);
    const at = s.lastIndexOf(str('lastIndexOf', a, 1));
    return BigInt(at < 0 ? -1 : codePoints(s.slice(0, at)).length);
  },
  substring: (a, c) => {
    perChar(c, a[0]);
    const cps = codePoints(str('substring', a, 0));
    const start = Number(toInt(a[1]));
    const end = a[2] === undefined ? cps.length : Number(toInt(a[2]));
    if (start < 0 || end > cps.length || start > end) throw new CelEvalError(`index out of range: ${start}..${end}`);
    return cps.slice(start, end).join('');
  },
  charAt: (a, c) => {
    perChar(c, a[0]);
    const cps = codePoints(str('charAt', a, 0));
    const i = Number(toInt(a[1]));
    if (i < 0 || i > cps.length) throw new CelEvalError(`index out of range: ${i}`);
    return cps[i] ?? '';
  },
  isSorted: (a, c) => {
    const l = listAgg('isSorted', a[0], c);
    return l.every((x, i) => i === 0 || celCompare(l[i - 1], x) <= 0);
  },
  sum: (a, c) => {
    const l = listAgg('sum', a[0], c);
    if (!l.length) return 0n;
    return l.slice(1).reduce<CelValue>((acc, x) => arith('+', acc, x, c), l[0]);
  },
  min: (a, c) => {
    const l = listAgg('min', a[0], c);
    if (!l.length) throw new CelEvalError('min called on empty list');
    return l.reduce((m, x) => (celCompare(x, m) < 0 ? x : m));
  },
  max: (a, c) => {
    const l = listAgg('max', a[0], c);
    if (!l.length) throw new CelEvalError('max called on empty list');
    return l.reduce((m, x) => (celCompare(x, m) > 0 ? x : m));
  },
  hasValue: ([o]) => (o instanceof CelOptional ? o.present : noOverload('hasValue', [o])),
  value: ([o]) => {
    if (!(o instanceof CelOptional)) return noOverload('value', [o]);
    if (!o.present) throw new CelEvalError('optional.none() dereference');
    return o.value!;
  },
  orValue: ([o, d]) => (o instanceof CelOptional ? (o.present ? o.value! : d) : noOverload('orValue', [o, d])),
  or: ([o, d]) => (o instanceof CelOptional ? (o.present ? o : d) : noOverload('or', [o, d])),
};

/** The names a checker accepts, with their argument counts (receiver not counted). */
export const MEMBER_ARITY: Record<string, number[]> = {
  size: [0],
  matches: [1],
  startsWith: [1],
  endsWith: [1],
  contains: [1],
  lowerAscii: [0],
  upperAscii: [0],
  trim: [0],
  replace: [2, 3],
  split: [1, 2],
  join: [0, 1],
  indexOf: [1, 2],
  lastIndexOf: [1],
  substring: [1, 2],
  charAt: [1],
  isSorted: [0],
  sum: [0],
  min: [0],
  max: [0],
  hasValue: [0],
  value: [0],
  orValue: [1],
  or: [1],
};
export const GLOBAL_ARITY: Record<string, number[]> = {
  size: [1],
  int: [1],
  uint: [1],
  double: [1],
  string: [1],
  bool: [1],
  bytes: [1],
  dyn: [1],
  type: [1],
  matches: [2],
  'optional.of': [1],
  'optional.none': [0],
  'optional.ofNonZeroValue': [1],
};
export const INT_LIMITS = { INT_MAX, INT_MIN };
