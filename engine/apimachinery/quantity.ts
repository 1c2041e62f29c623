// Resource quantities ("100m", "1Gi", "1e3"): syntax check and an approximate numeric value,
// enough to compare requests with limits. Exactness beyond float precision is not needed here.

export const QUANTITY_REGEX_TEXT = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const QUANTITY_RE = new RegExp(QUANTITY_REGEX_TEXT);
export const QUANTITY_ERROR = `quantities must match the regular expression '${QUANTITY_REGEX_TEXT}'`;

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The numeric value of a quantity, or null when it is not a valid quantity. */
export function parseQuantity(input: unknown): number | null {
  if (typeof input === 'number') return Number.isFinite(input) ? input : null;
  if (typeof input !== 'string') return null;
  const m = QUANTITY_RE.exec(input.trim());
  if (!m) return null;
  const num = Number(m[1]);
  if (Number.isNaN(num)) return null;
  const suffix = m[2];
  if (suffix in BINARY) return num * BINARY[suffix];
  if (suffix in DECIMAL) return num * DECIMAL[suffix];
  const exp = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  if (exp) return num * 10 ** Number(exp[1]);
  return null;
}

export function isQuantity(input: unknown): boolean {
  return parseQuantity(input) !== null;
}
