// CEL's timestamps and durations (cel-go common/types/timestamp.go, duration.go): timestamp(s)
// from RFC 3339, duration(s) from Go's duration syntax ("1h30m", "1.5s"), their arithmetic and
// comparisons, and the getters (getFullYear ... getMilliseconds, with an optional time zone:
// an IANA name or a "+hh:mm" offset). Both hold nanoseconds in a bigint, so nothing rounds.
import { CelEvalError } from './errors';
import { as, perChar, str, type CelLibrary, type Fn } from './support';
import { CelObject, INT_MAX, INT_MIN, type CelValue } from './values';

const NS = 1_000_000_000n;
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z, CEL's timestamp range.
const MIN_TS = -62135596800n * NS;
const MAX_TS = 253402300800n * NS - 1n;

export class Timestamp extends CelObject {
  readonly celType = 'google.protobuf.Timestamp';
  constructor(readonly ns: bigint) {
    super();
    if (ns < MIN_TS || ns > MAX_TS) throw new CelEvalError('timestamp out of range');
  }
  equals(o: CelObject): boolean {
    return o instanceof Timestamp && o.ns === this.ns;
  }
  override compare(o: CelObject): number {
    const x = (o as Timestamp).ns;
    return this.ns < x ? -1 : this.ns > x ? 1 : 0;
  }
  override toString(): string {
    const ms = floorDiv(this.ns, 1_000_000n);
    const d = new Date(Number(ms));
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const frac = String(this.ns - floorDiv(this.ns, NS) * NS)
      .padStart(9, '0')
      .replace(/0+$/, '');
    return (
      `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
      `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac ? `.${frac}` : ''}Z`
    );
  }
}

export class Duration extends CelObject {
  readonly celType = 'google.protobuf.Duration';
  constructor(readonly ns: bigint) {
    super();
    if (ns < INT_MIN || ns > INT_MAX) throw new CelEvalError('duration out of range');
  }
  equals(o: CelObject): boolean {
    return o instanceof Duration && o.ns === this.ns;
  }
  override compare(o: CelObject): number {
    const x = (o as Duration).ns;
    return this.ns < x ? -1 : this.ns > x ? 1 : 0;
  }
  /** cel-go's form: seconds as the shortest decimal, then "s" ("90s", "1.5s", "0.000000001s"). */
  override toString(): string {
    const neg = this.ns < 0n;
    const abs = neg ? -this.ns : this.ns;
    const frac = String(abs % NS)
      .padStart(9, '0')
      .replace(/0+$/, '');
    return `${neg ? '-' : ''}${abs / NS}${frac ? `.${frac}` : ''}s`;
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Go's time.Parse(time.RFC3339, s). */
function parseTimestamp(s: string): Timestamp {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(s);
  const bad = () => new CelEvalError(`string to timestamp conversion error: parsing time ${JSON.stringify(s)} as RFC3339: cannot parse`);
  if (!m) throw bad();
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number);
  const t = new Date(Date.UTC(2000, mo - 1, d, h, mi, se));
  t.setUTCFullYear(y);
  if (mo < 1 || mo > 12 || t.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) throw bad();
  let ns = BigInt(t.getTime()) * 1_000_000n + BigInt((m[7] ?? '').padEnd(9, '0') || '0');
  if (m[9]) ns -= BigInt((m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) * 60) * NS;
  return new Timestamp(ns);
}

const UNITS: Record<string, bigint> = { ns: 1n, us: 1000n, µs: 1000n, μs: 1000n, ms: 1_000_000n, s: NS, m: 60n * NS, h: 3600n * NS };

/** Go's time.ParseDuration. */
export function parseDuration(s: string): Duration {
  const invalid = (why = 'invalid duration') => new CelEvalError(`time: ${why} ${JSON.stringify(s)}`);
  let rest = s;
  const neg = rest.startsWith('-');
  if (neg || rest.startsWith('+')) rest = rest.slice(1);
  if (rest === '0') return new Duration(0n);
  if (rest === '') throw invalid();
  let total = 0n;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    if (m[0] === '' || m[0] === '.') throw invalid();
    rest = rest.slice(m[0].length);
    const u = /^[^\d.]+/.exec(rest)?.[0];
    if (!u) throw invalid('missing unit in duration');
    const unit = UNITS[u];
    if (unit === undefined) throw new CelEvalError(`time: unknown unit ${JSON.stringify(u)} in duration ${JSON.stringify(s)}`);
    rest = rest.slice(u.length);
    const frac = m[2] ?? '';
    total += BigInt(m[1] || '0') * unit + (BigInt(frac || '0') * unit) / 10n ** BigInt(frac.length);
    if (total > INT_MAX + (neg ? 1n : 0n)) throw invalid();
  }
  return new Duration(neg ? -total : total);
}

interface Fields {
  year: number;
  month: number;
  day: number;
  dow: number;
  hour: number;
  minute: number;
  second: number;
}

/** Calendar fields of `ms` in `tz` (UTC when absent). */
function fieldsOf(ms: number, tz: string | undefined): Fields {
  const utc = (t: number): Fields => {
    const d = new Date(t);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth(),
      day: d.getUTCDate(),
      dow: d.getUTCDay(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  };
  if (tz === undefined) return utc(ms);
  const colon = tz.indexOf(':');
  if (colon >= 0) {
    const [hr, min] = [Number(tz.slice(0, colon)), Number(tz.slice(colon + 1))];
    if (!/^[+-]?\d+$/.test(tz.slice(0, colon)) || !/^\d+$/.test(tz.slice(colon + 1))) {
      throw new CelEvalError(`strconv.Atoi: parsing ${JSON.stringify(tz)}: invalid syntax`);
    }
    if (min > 59) throw new CelEvalError(`timezone offset minutes out of range [0, 59]: ${tz}`);
    const offset = tz.startsWith('-') ? hr * 60 - min : hr * 60 + min;
    return utc(ms + offset * 60_000);
  }
  let parts: Intl.DateTimeFormatPart[];
  try {
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    parts = f.formatToParts(new Date(ms));
  } catch {
    throw new CelEvalError(`unknown time zone ${tz}`);
  }
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const bc = parts.find((p) => p.type === 'era')?.value === 'BC';
  const local = new Date(Date.UTC(2000, get('month') - 1, get('day'), get('hour'), get('minute'), get('second')));
  local.setUTCFullYear(bc ? 1 - get('year') : get('year'));
  return utc(local.getTime());
}

type Getter = (f: Fields, ts: Timestamp) => bigint;

const dayOfYear = (f: Fields) => {
  const start = new Date(Date.UTC(2000, 0, 1));
  start.setUTCFullYear(f.year);
  const now = new Date(Date.UTC(2000, f.month, f.day));
  now.setUTCFullYear(f.year);
  return BigInt(Math.round((now.getTime() - start.getTime()) / 86_400_000));
};

const TS_GETTERS: Record<string, Getter> = {
  getFullYear: (f) => BigInt(f.year),
  getMonth: (f) => BigInt(f.month),
  getDayOfYear: dayOfYear,
  getDate: (f) => BigInt(f.day),
  getDayOfMonth: (f) => BigInt(f.day - 1),
  getDayOfWeek: (f) => BigInt(f.dow),
  getHours: (f) => BigInt(f.hour),
  getMinutes: (f) => BigInt(f.minute),
  getSeconds: (f) => BigInt(f.second),
  getMilliseconds: (_f, ts) => (ts.ns - floorDiv(ts.ns, NS) * NS) / 1_000_000n,
};

const DURATION_GETTERS: Record<string, bigint> = {
  getHours: 3600n * NS,
  getMinutes: 60n * NS,
  getSeconds: NS,
  getMilliseconds: 1_000_000n,
};

function tsGetter(name: string, g: Getter): Fn {
  return (a) => {
    const ts = as(Timestamp, name, a, 0);
    const tz = a.length > 1 ? str(name, a, 1) : undefined;
    return g(fieldsOf(Number(floorDiv(ts.ns, 1_000_000n)), tz), ts);
  };
}

const members: Record<string, Record<string, Fn>> = {};
for (const [name, g] of Object.entries(TS_GETTERS)) members[name] = { 'google.protobuf.Timestamp': tsGetter(name, g) };
for (const [name, unit] of Object.entries(DURATION_GETTERS)) {
  members[name]['google.protobuf.Duration'] = (a) => as(Duration, name, a, 0).ns / unit;
}

const dur = (v: CelValue) => (v instanceof Duration ? v.ns : undefined);

export const timeLibrary: CelLibrary = {
  globals: {
    timestamp: (a, c) => {
      const v = a[0];
      if (v instanceof Timestamp) return v;
      if (typeof v === 'bigint') return new Timestamp(v * NS);
      perChar(c, v);
      return parseTimestamp(str('timestamp', a, 0));
    },
    duration: (a, c) => {
      const v = a[0];
      if (v instanceof Duration) return v;
      perChar(c, v);
      return parseDuration(str('duration', a, 0));
    },
  },
  globalArity: { timestamp: [1], duration: [1] },
  overloads: {
    '_+_': {
      'google.protobuf.Timestamp': ([t, d]) => new Timestamp((t as Timestamp).ns + as(Duration, '_+_', [t, d], 1).ns),
      'google.protobuf.Duration': ([d, x]) =>
        x instanceof Timestamp ? new Timestamp(x.ns + dur(d)!) : new Duration(dur(d)! + as(Duration, '_+_', [d, x], 1).ns),
    },
    '_-_': {
      'google.protobuf.Timestamp': ([t, x]) =>
        x instanceof Timestamp
          ? new Duration((t as Timestamp).ns - x.ns)
          : new Timestamp((t as Timestamp).ns - as(Duration, '_-_', [t, x], 1).ns),
      'google.protobuf.Duration': ([d, x]) => new Duration(dur(d)! - as(Duration, '_-_', [d, x], 1).ns),
    },
    int: {
      'google.protobuf.Timestamp': ([t]) => floorDiv((t as Timestamp).ns, NS),
      'google.protobuf.Duration': ([d]) => dur(d)!,
    },
    string: {
      'google.protobuf.Timestamp': (a) => as(Timestamp, 'string', a, 0).toString(),
      'google.protobuf.Duration': (a) => as(Duration, 'string', a, 0).toString(),
    },
  },
  members,
  memberArity: Object.fromEntries(Object.keys(members).map((k) => [k, [0, 1]])),
};
