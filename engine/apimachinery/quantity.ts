// Resource quantities ("100m", "1Gi", "1e3"): syntax check and numeric value — the one parser
// every part uses (API validation, quota, scheduler, the kubelet's Docker limits, the app).
// Suffixes as upstream (k8s.io/apimachinery resource.Quantity): binary Ki..Ei, decimal
// n u m k M G T P E, or a decimal exponent e/E; anything else is invalid (null). Decimal
// suffixes shift the written digits' exponent rather than multiplying, so "1.1G" is exactly
// 1100000000 and "0.1m" exactly 0.0001.

export const QUANTITY_REGEX_TEXT = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const QUANTITY_RE = new RegExp(QUANTITY_REGEX_TEXT);
export const QUANTITY_ERROR = `quantities must match the regular expression '${QUANTITY_REGEX_TEXT}'`;

const NUMBER_RE = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** The numeric value of a quantity, or null when it is not a valid quantity. */
export function parseQuantity(input: unknown): number | null {
  if (typeof input === 'number') return Number.isFinite(input) ? input : null;
  if (typeof input !== 'string') return null;
  const m = QUANTITY_RE.exec(input.trim());
  if (!m || !NUMBER_RE.test(m[1])) return null;
  const [, digits, suffix] = m;
  let value: number;
  if (suffix in BINARY)
    value = Number(digits) * 2 ** BINARY[suffix]; // powers of two scale exactly
  else {
    const exp = suffix in DECIMAL ? DECIMAL[suffix] : /^[eE]([-+]?[0-9]+)$/.exec(suffix)?.[1];
    if (exp === undefined) return null;
    value = Number(`${digits}e${exp}`);
  }
  return Number.isFinite(value) ? value : null;
}

export function isQuantity(input: unknown): boolean {
  return parseQuantity(input) !== null;
}

/** A quantity's exact value: `num` × 10^-`scale` (scale ≥ 0), for arithmetic that must not round (CEL). */
export interface ExactQuantity {
  num: bigint;
  scale: number;
}

/** The exact value of a quantity, or null exactly when parseQuantity is null. */
export function parseQuantityExact(input: string): ExactQuantity | null {
  if (parseQuantity(input) === null) return null;
  const [, digits, suffix] = QUANTITY_RE.exec(input.trim())!;
  const [whole, frac = ''] = digits.replace(/^[+-]/, '').split('.');
  let num = BigInt((whole || '0') + frac) * (digits.startsWith('-') ? -1n : 1n);
  let scale = frac.length;
  if (suffix in BINARY) num *= 2n ** BigInt(BINARY[suffix]);
  else scale -= suffix in DECIMAL ? DECIMAL[suffix] : Number(suffix.slice(1));
  if (scale < 0) {
    num *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return normalizeExact({ num, scale });
}

/** The same value with no trailing zero digits after the point (so equal values compare equal). */
export function normalizeExact(q: ExactQuantity): ExactQuantity {
  let { num, scale } = q;
  while (scale > 0 && num % 10n === 0n) {
    num /= 10n;
    scale--;
  }
  return { num, scale: num === 0n ? 0 : scale };
}
