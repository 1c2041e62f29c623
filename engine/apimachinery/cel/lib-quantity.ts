// Kubernetes' CEL quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go): quantity(),
// isQuantity(), sign, comparisons and exact add/sub over resource quantities, parsed by the one
// quantity parser (apimachinery/quantity.ts) and kept exact as an integer over a power of ten.
import { normalizeExact, parseQuantityExact, type ExactQuantity } from '../quantity';
import { CelEvalError } from './errors';
import { as, int, noOverload, perChar, str, type CelLibrary } from './support';
import { CelObject, INT_MAX, INT_MIN, type CelValue } from './values';

export class Quantity extends CelObject {
  readonly celType = 'kubernetes.Quantity';
  constructor(readonly q: ExactQuantity) {
    super();
  }
  equals(o: CelObject): boolean {
    return o instanceof Quantity && cmp(this.q, o.q) === 0;
  }
  override toString(): string {
    const { num, scale } = this.q;
    if (scale === 0) return String(num);
    const digits = String(num < 0n ? -num : num).padStart(scale + 1, '0');
    return `${num < 0n ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
}

const align = (a: ExactQuantity, b: ExactQuantity): [bigint, bigint, number] => {
  const scale = Math.max(a.scale, b.scale);
  return [a.num * 10n ** BigInt(scale - a.scale), b.num * 10n ** BigInt(scale - b.scale), scale];
};
const cmp = (a: ExactQuantity, b: ExactQuantity): number => {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
};
const plus = (a: ExactQuantity, b: ExactQuantity, sign: bigint): Quantity => {
  const [x, y, scale] = align(a, b);
  return new Quantity(normalizeExact({ num: x + sign * y, scale }));
};
/** An integer value when the quantity is one that fits an int64. */
const asInt = (q: ExactQuantity): bigint | undefined => (q.scale === 0 && q.num >= INT_MIN && q.num <= INT_MAX ? q.num : undefined);

const operand = (fn: string, args: CelValue[]): ExactQuantity => {
  const v = args[1];
  if (v instanceof Quantity) return v.q;
  if (typeof v === 'bigint') return { num: v, scale: 0 };
  return noOverload(fn, args);
};

function parse(s: string): Quantity {
  const q = parseQuantityExact(s);
  if (!q) throw new CelEvalError("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  return new Quantity(q);
}

const self = (fn: string, a: CelValue[]) => as(Quantity, fn, a, 0).q;

export const quantityLibrary: CelLibrary = {
  globals: {
    quantity: (a, c) => (perChar(c, a[0]), parse(str('quantity', a, 0))),
    isQuantity: (a, c) => (perChar(c, a[0]), parseQuantityExact(str('isQuantity', a, 0)) !== null),
  },
  globalArity: { quantity: [1], isQuantity: [1] },
  members: {
    sign: { 'kubernetes.Quantity': (a) => BigInt(Math.sign(Number(self('sign', a).num))) },
    isInteger: { 'kubernetes.Quantity': (a) => asInt(self('isInteger', a)) !== undefined },
    asInteger: {
      'kubernetes.Quantity': (a) => {
        const v = asInt(self('asInteger', a));
        if (v === undefined) throw new CelEvalError('cannot convert value to integer');
        return v;
      },
    },
    asApproximateFloat: {
      'kubernetes.Quantity': (a) => {
        const { num, scale } = self('asApproximateFloat', a);
        return Number(`${num}e-${scale}`);
      },
    },
    isGreaterThan: { 'kubernetes.Quantity': (a) => cmp(self('isGreaterThan', a), as(Quantity, 'isGreaterThan', a, 1).q) > 0 },
    isLessThan: { 'kubernetes.Quantity': (a) => cmp(self('isLessThan', a), as(Quantity, 'isLessThan', a, 1).q) < 0 },
    compareTo: { 'kubernetes.Quantity': (a) => BigInt(cmp(self('compareTo', a), as(Quantity, 'compareTo', a, 1).q)) },
    add: { 'kubernetes.Quantity': (a) => plus(self('add', a), operand('add', a), 1n) },
    sub: { 'kubernetes.Quantity': (a) => plus(self('sub', a), operand('sub', a), -1n) },
    mul: {
      'kubernetes.Quantity': (a) => {
        const q = self('mul', a);
        return new Quantity(normalizeExact({ num: q.num * int('mul', a, 1), scale: q.scale }));
      },
    },
  },
  memberArity: {
    sign: [0],
    isInteger: [0],
    asInteger: [0],
    asApproximateFloat: [0],
    isGreaterThan: [1],
    isLessThan: [1],
    compareTo: [1],
    add: [1],
    sub: [1],
    mul: [1],
  },
};
