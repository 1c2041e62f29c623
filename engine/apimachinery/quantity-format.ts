// Quantities printed the way Kubernetes' resource.Quantity prints them in canonical form, for
// quota messages and status, metrics.k8s.io usage and HPA status: decimal amounts use the
// largest SI suffix that keeps an integer ("250m", "2", "123456n"); byte amounts the largest
// binary suffix that divides exactly ("64Mi", "1234Ki"), else plain bytes.
import { parseQuantity } from './quantity';

const DECIMAL: [number, string][] = [
  [1e18, 'E'],
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
];
const BINARY: [number, string][] = [
  [2 ** 60, 'Ei'],
  [2 ** 50, 'Pi'],
  [2 ** 40, 'Ti'],
  [2 ** 30, 'Gi'],
  [2 ** 20, 'Mi'],
  [2 ** 10, 'Ki'],
];

/** A decimal amount given in nano-units (cpu nanocores), canonical: "250m", "1", "123456n". */
export function formatNanos(nanos: number): string {
  const n = Math.round(nanos);
  if (n === 0) return '0';
  for (const [scale, suffix] of [
    [1e9, ''],
    [1e6, 'm'],
    [1e3, 'u'],
    [1, 'n'],
  ] as [number, string][]) {
    if (n % scale === 0) {
      const whole = n / scale;
      if (suffix === '') return formatDecimal(whole);
      return `${whole}${suffix}`;
    }
  }
  return `${n}n`;
}

/** An integral decimal amount: "1k" only when exact, like Quantity's DecimalSI. */
export function formatDecimal(value: number): string {
  if (value === 0) return '0';
  if (!Number.isInteger(value)) return formatNanos(value * 1e9);
  for (const [scale, suffix] of DECIMAL) {
    if (Math.abs(value) >= scale && value % scale === 0) return `${value / scale}${suffix}`;
  }
  return String(value);
}

/** A byte amount in BinarySI form: "64Mi", "1234Ki", "1000" (not a multiple of 1024). */
export function formatBytes(bytes: number): string {
  const b = Math.round(bytes);
  if (b === 0) return '0';
  for (const [scale, suffix] of BINARY) {
    if (Math.abs(b) >= scale && b % scale === 0) return `${b / scale}${suffix}`;
  }
  return String(b);
}

/** Kubernetes' default format for a resource name: cpu in milli/decimal, memory-like in binary. */
export function formatResource(name: string, value: number, binaryHint?: boolean): string {
  const base = name.replace(/^(requests|limits)\./, '');
  if (base === 'cpu' || name.endsWith('.cpu')) return formatNanos(value * 1e9);
  const binary = binaryHint ?? /memory|storage/.test(base);
  if (binary && Number.isInteger(value) && value % 1024 === 0) return formatBytes(value);
  return formatDecimal(value);
}

/** Sum of quantities as a number (cpu in cores, memory in bytes). Invalid entries count as 0. */
export function quantityValue(q: unknown): number {
  return parseQuantity(q) ?? 0;
}

/** Whether a quantity text uses a binary suffix (Ki, Mi, ...), to keep the user's style. */
export function isBinaryText(q: unknown): boolean {
  return typeof q === 'string' && /[KMGTPE]i$/.test(q.trim());
}
