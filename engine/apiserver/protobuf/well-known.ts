// Kubernetes types whose JSON form is not "an object of their proto fields": they marshal to a
// string, number, array or embedded JSON document, so they are converted from their wire fields.
import { ProtobufFormatError, type WireField } from './wire';

const meta = 'k8s.io.apimachinery.pkg.apis.meta.v1';

export type Converter = (fields: WireField[], empty: boolean) => unknown;

function lastVarint(fields: WireField[], number: number): bigint | undefined {
  let v: bigint | undefined;
  for (const f of fields) if (f.number === number && f.wire === 0) v = f.value;
  return v;
}

function lastBytes(fields: WireField[], number: number): Buffer | undefined {
  let v: Buffer | undefined;
  for (const f of fields) if (f.number === number && f.wire === 2) v = f.value;
  return v;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** RFC 3339 in UTC the way Go formats metav1.Time (whole seconds) or MicroTime (6 fractional digits). */
export function formatTime(seconds: bigint, nanos: number, micro: boolean): string {
  const d = new Date(Number(seconds) * 1000);
  if (Number.isNaN(d.getTime())) throw new ProtobufFormatError(`timestamp out of range: ${seconds}s`);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const frac = micro ? `.${pad(Math.floor(nanos / 1000), 6)}` : '';
  return `${date}T${time}${frac}Z`;
}

/** Go's time.Duration.String(): "0s", "1.5s", "5m0s", "1h2m3.4s", "250ms", "1µs", "-2s". */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  const sign = neg ? '-' : '';
  const frac = (value: bigint, unit: bigint, digits: number) => {
    const whole = value / unit;
    const rest = (value % unit).toString().padStart(digits, '0').replace(/0+$/, '');
    return rest ? `${whole}.${rest}` : `${whole}`;
  };
  if (u < 1000n) return `${sign}${u}ns`;
  if (u < 1000_000n) return `${sign}${frac(u, 1000n, 3)}µs`;
  if (u < 1000_000_000n) return `${sign}${frac(u, 1000_000n, 6)}ms`;
  const hours = u / 3600_000_000_000n;
  u -= hours * 3600_000_000_000n;
  const minutes = u / 60_000_000_000n;
  u -= minutes * 60_000_000_000n;
  const secs = `${frac(u, 1000_000_000n, 9)}s`;
  if (hours > 0n) return `${sign}${hours}h${minutes}m${secs}`;
  if (minutes > 0n) return `${sign}${minutes}m${secs}`;
  return `${sign}${secs}`;
}

function embeddedJson(raw: Buffer | undefined, what: string): unknown {
  if (!raw || raw.length === 0) return null;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new ProtobufFormatError(`${what} does not hold JSON: ${(e as Error).message}`);
  }
}

const time =
  (micro: boolean): Converter =>
  (fields, empty) => {
    // An unset metav1.Time marshals to zero bytes and to JSON null.
    if (empty) return null;
    const seconds = BigInt.asIntN(64, lastVarint(fields, 1) ?? 0n);
    const nanos = Number(BigInt.asIntN(32, lastVarint(fields, 2) ?? 0n));
    return formatTime(seconds, nanos, micro);
  };

const stringItems: Converter = (fields) =>
  fields.filter((f) => f.number === 1 && f.wire === 2).map((f) => (f.value as Buffer).toString('utf8'));

/** Converters keyed by fully-qualified message name. */
export const wellKnown: Record<string, Converter> = {
  [`${meta}.Time`]: time(false),
  [`${meta}.MicroTime`]: time(true),
  [`${meta}.Duration`]: (fields) => formatGoDuration(BigInt.asIntN(64, lastVarint(fields, 1) ?? 0n)),
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': (fields) => {
    // type 0 is Int (intVal), 1 is String (strVal).
    if ((lastVarint(fields, 1) ?? 0n) === 1n) return lastBytes(fields, 3)?.toString('utf8') ?? '';
    return Number(BigInt.asIntN(32, lastVarint(fields, 2) ?? 0n));
  },
  'k8s.io.apimachinery.pkg.api.resource.Quantity': (fields) => lastBytes(fields, 1)?.toString('utf8') || '0',
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': (fields) => lastBytes(fields, 1)?.toString('utf8') || '0',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': (fields) => embeddedJson(lastBytes(fields, 1), 'RawExtension'),
  [`${meta}.FieldsV1`]: (fields) => embeddedJson(lastBytes(fields, 1), 'FieldsV1'),
  // Named []string types travel as {items} but are plain JSON arrays.
  [`${meta}.Verbs`]: stringItems,
  'k8s.io.api.authentication.v1.ExtraValue': stringItems,
  'k8s.io.api.authorization.v1.ExtraValue': stringItems,
  'k8s.io.api.certificates.v1.ExtraValue': stringItems,
};
