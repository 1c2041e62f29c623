// CEL values in JavaScript: null, boolean, int (bigint, 64-bit checked), uint (Uint), double
// (number), string, bytes (Uint8Array), list (array), map (CelMap), type (CelType) and optional
// (CelOptional). JSON objects become maps; a schema says whether a JSON number is an int or a
// double (without one, integral numbers are ints).
import { CelEvalError } from './errors';

export class Uint {
  constructor(readonly v: bigint) {}
}

export class CelType {
  constructor(readonly name: string) {}
}

export class CelOptional {
  constructor(readonly value?: CelValue) {}
  get present(): boolean {
    return this.value !== undefined;
  }
}

/** A library value (quantity, url, ip, cidr, semver, format, timestamp, duration): opaque to CEL. */
export abstract class CelObject {
  /** The CEL type name, as `type(x)` and error messages show it. */
  abstract readonly celType: string;
  abstract equals(other: CelObject): boolean;
  /** Its text (string(x), and JSON when a value leaves CEL). */
  abstract toString(): string;
  /** Ordering for `<`, `>`; only timestamps and durations have one. */
  compare?(other: CelObject): number;
  /** A field selected with `.name` (authorizer.requestResource); undefined when there is none. */
  field?(name: string): CelValue | undefined;
}

export class CelMap {
  /** Encoded key → [key, value], so int 1, uint 1u and string "1" stay distinct keys. */
  readonly entries = new Map<string, [CelValue, CelValue]>();
  get size(): number {
    return this.entries.size;
  }
  get(key: CelValue): CelValue | undefined {
    return this.entries.get(keyOf(key))?.[1];
  }
  has(key: CelValue): boolean {
    return this.entries.has(keyOf(key));
  }
  set(key: CelValue, value: CelValue): void {
    this.entries.set(keyOf(key), [key, value]);
  }
  keys(): CelValue[] {
    return [...this.entries.values()].map(([k]) => k);
  }
}

export type CelValue =
  | null
  | boolean
  | bigint
  | Uint
  | number
  | string
  | Uint8Array
  | CelValue[]
  | CelMap
  | CelType
  | CelOptional
  | CelObject;

export const INT_MIN = -(2n ** 63n);
export const INT_MAX = 2n ** 63n - 1n;
export const UINT_MAX = 2n ** 64n - 1n;

function keyOf(k: CelValue): string {
  if (typeof k === 'string') return `s${k}`;
  if (typeof k === 'bigint') return `i${k}`;
  if (k instanceof Uint) return `i${k.v}`; // numeric keys compare by value, as cel-go's maps do
  if (typeof k === 'boolean') return `b${k}`;
  if (typeof k === 'number' && Number.isInteger(k)) return `i${k}`;
  throw new CelEvalError(`unsupported key type: ${typeName(k)}`);
}

export function checkInt(v: bigint): bigint {
  if (v < INT_MIN || v > INT_MAX) throw new CelEvalError('integer overflow');
  return v;
}

export function checkUint(v: bigint): Uint {
  if (v < 0n || v > UINT_MAX) throw new CelEvalError('unsigned integer overflow');
  return new Uint(v);
}

export function typeName(v: CelValue): string {
  if (v === null) return 'null_type';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (v instanceof Uint) return 'uint';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'string') return 'string';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v instanceof CelMap) return 'map';
  if (v instanceof CelOptional) return 'optional_type';
  if (v instanceof CelObject) return v.celType;
  return 'type';
}

/** The parts of a structural schema CEL typing reads. */
export interface CelSchema {
  type?: string;
  properties?: Record<string, CelSchema>;
  items?: CelSchema;
  additionalProperties?: CelSchema | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** A JSON value as CEL sees it, typed by the structural schema where one is given. */
export function fromJson(v: unknown, schema?: CelSchema): CelValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (schema?.type === 'number' || !Number.isInteger(v)) return v;
    return BigInt(v);
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => fromJson(x, schema?.items));
  if (typeof v === 'object') {
    const m = new CelMap();
    const props = schema?.properties;
    const extra = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, fromJson(x, props?.[k] ?? extra));
    return m;
  }
  return null;
}

/** A CEL value as JSON (for variables shown to users and messageExpression results). */
export function toJson(v: CelValue): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint) return Number(v.v);
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof CelMap) return Object.fromEntries(v.keys().map((k) => [String(toJson(k)), toJson(v.get(k)!)]));
  if (v instanceof CelType) return v.name;
  if (v instanceof CelOptional) return v.present ? toJson(v.value!) : null;
  if (v instanceof Uint8Array) return utf8Decode(v);
  if (v instanceof CelObject) return v.toString();
  return v;
}

const numeric = (v: CelValue): number | bigint | undefined =>
  typeof v === 'bigint' || typeof v === 'number' ? v : v instanceof Uint ? v.v : undefined;

/** Ordering of two numbers of any numeric type (mixed int/uint/double compare by value). */
function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && Number.isNaN(a)) return NaN;
  if (typeof b === 'number' && Number.isNaN(b)) return NaN;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function celEquals(a: CelValue, b: CelValue): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return compareNumbers(na, nb) === 0;
  if (typeName(a) !== typeName(b)) return false;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  if (a instanceof CelMap && b instanceof CelMap) {
    if (a.size !== b.size) return false;
    return a.keys().every((k) => b.has(k) && celEquals(a.get(k)!, b.get(k)!));
  }
  if (a instanceof CelType && b instanceof CelType) return a.name === b.name;
  if (a instanceof CelObject && b instanceof CelObject) return a.equals(b);
  if (a instanceof CelOptional && b instanceof CelOptional) {
    return a.present === b.present && (!a.present || celEquals(a.value!, b.value!));
  }
  return a === b;
}

/** -1, 0 or 1; throws for types without an order. */
export function celCompare(a: CelValue, b: CelValue): number {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return compareNumbers(na, nb);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return Math.sign(a.length - b.length);
  }
  if (a instanceof CelObject && b instanceof CelObject && a.celType === b.celType && a.compare) return a.compare(b);
  throw new CelEvalError(`no such overload: ${typeName(a)} < ${typeName(b)}`);
}

/** UTF-8 without TextEncoder (this module runs with neither Node nor DOM types). */
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

export function utf8Decode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; ) {
    const x = b[i];
    const n = x < 0x80 ? 1 : x >= 0xf0 ? 4 : x >= 0xe0 ? 3 : 2;
    let c = n === 1 ? x : x & (0xff >> (n + 1));
    for (let j = 1; j < n; j++) c = (c << 6) | ((b[i + j] ?? 0) & 63);
    s += String.fromCodePoint(c > 0x10ffff ? 0xfffd : c);
    i += n;
  }
  return s;
}
