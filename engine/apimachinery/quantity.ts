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
