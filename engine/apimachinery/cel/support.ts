// What every CEL function implementation shares: its signature, cost charging, overload errors
// and argument readers, so the standard functions and each Kubernetes library speak alike.
import { CelEvalError } from './errors';
import { checkInt, typeName, Uint, toJson, type CelValue } from './values';

export type Charge = (units: number) => void;
export type Fn = (args: CelValue[], charge: Charge) => CelValue;

/** A library's functions. Members are keyed by name, then by the receiver's CEL type name. */
export interface CelLibrary {
  globals?: Record<string, Fn>;
  globalArity?: Record<string, number[]>;
  /** Extra overloads of a global chosen by the first argument's type (string(ip), timestamp + duration). */
  overloads?: Record<string, Record<string, Fn>>;
  members?: Record<string, Record<string, Fn>>;
  memberArity?: Record<string, number[]>;
}

export const noOverload = (fn: string, args: CelValue[]): never => {
  throw new CelEvalError(`found no matching overload for '${fn}' applied to '(${args.map(typeName).join(', ')})'`);
};

export const len = (v: CelValue): number =>
  typeof v === 'string' ? v.length : Array.isArray(v) ? v.length : v instanceof Uint8Array ? v.length : 1;

export const str = (fn: string, args: CelValue[], i: number): string => {
  const v = args[i];
  return typeof v === 'string' ? v : noOverload(fn, args);
};

export const int = (fn: string, args: CelValue[], i: number): bigint => {
  const v = args[i];
  return typeof v === 'bigint' ? v : noOverload(fn, args);
};

/** Strings and lists cost one unit per ten characters or elements, as cel-go's string costs. */
export const perChar = (charge: Charge, ...vs: CelValue[]): void => charge(Math.ceil(vs.reduce<number>((n, v) => n + len(v), 0) / 10));

export function toInt(v: CelValue): bigint {
  if (typeof v === 'bigint') return v;
  if (v instanceof Uint) return checkInt(v.v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v <= -9.223372036854776e18 || v >= 9.223372036854776e18) throw new CelEvalError('integer overflow');
    return BigInt(Math.trunc(v));
  }
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) return checkInt(BigInt(v));
  throw new CelEvalError(`cannot convert ${typeName(v)} ${JSON.stringify(toJson(v))} to int`);
}

/** An instance of one library class, or a no-overload error naming the call. */
export function as<T>(cls: abstract new (...a: never[]) => T, fn: string, args: CelValue[], i: number): T {
  const v = args[i];
  return v instanceof cls ? v : noOverload(fn, args);
}
