// Cron schedules as CronJobs use them: five fields (minute hour day-of-month month day-of-week)
// with lists, ranges, steps and month/day names, the @hourly-style descriptors and @every, in an
// IANA time zone (wall-clock times, via Intl). When both day fields are restricted a day matches
// either, as in standard cron. Syntax errors are checked at admission (kinds/cron-schedule.ts).

export interface CronSchedule {
  /** The first scheduled instant strictly after `after`, or undefined within the next 5 years. */
  next(after: Date): Date | undefined;
}

interface Field {
  min: number;
  max: number;
  names?: string[];
}
const MINUTE: Field = { min: 0, max: 59 };
const HOUR: Field = { min: 0, max: 23 };
const DOM: Field = { min: 1, max: 31 };
const MONTH: Field = { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] };
const DOW: Field = { min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] };

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function value(text: string, f: Field): number {
  const i = f.names?.indexOf(text.toLowerCase()) ?? -1;
  if (i >= 0) return i + f.min;
  if (!/^\d+$/.test(text)) throw new Error(`bad cron value ${text}`);
  return Number(text);
}

/** The set of values a field allows, and whether it was an unrestricted "*" (matters for days). */
function parseField(text: string, f: Field): { set: Set<number>; star: boolean } {
  const set = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : value(stepText, f);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      [lo, hi] = [f.min, f.max];
      if (step === 1) star = true;
    } else {
      const [a, b] = range.split('-');
      lo = value(a, f);
      hi = b === undefined ? (stepText === undefined ? lo : f.max) : value(b, f);
    }
    if (lo < f.min || hi > f.max || lo > hi || step < 1) throw new Error(`bad cron range ${part}`);
    for (let v = lo; v <= hi; v += step) set.add(v);
  }
  return { set, star };
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function parseEvery(text: string): number {
  let ms = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * GO_UNITS[m[2]];
  if (!ms) throw new Error(`bad duration ${text}`);
  return ms;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock time in `tz` of an instant, as a UTC-based millisecond count (offsets folded in). */
export function wallClock(ms: number, tz: string | undefined): number {
  const key = tz ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(key, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) + (((ms % 1000) + 1000) % 1000);
}

/** The instant whose wall-clock time in `tz` is `wall` (the later one when a DST change repeats it). */
function fromWall(wall: number, tz: string | undefined): number {
  const guess = wall - (wallClock(wall, tz) - wall);
  return wall - (wallClock(guess, tz) - guess);
}

/** RFC 3339 with the zone's offset ("Z" for UTC), as Go formats a time in that location. */
export function formatInZone(d: Date, tz: string | undefined): string {
  const ms = Math.floor(d.getTime() / 1000) * 1000;
  const offMin = Math.round((wallClock(ms, tz) - ms) / 60_000);
  const base = new Date(ms + offMin * 60_000).toISOString().slice(0, 19);
  if (offMin === 0) return `${base}Z`;
  const a = Math.abs(offMin);
  return `${base}${offMin < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export function parseCron(schedule: string, timeZone?: string): CronSchedule {
  // An unknown zone throws here, not at the first tick.
  if (timeZone) new Intl.DateTimeFormat('en-US', { timeZone });
  let s = schedule.trim();
  if (s.startsWith('@every ')) {
    const d = parseEvery(s.slice(7).trim());
    return { next: (after) => new Date(Math.floor((after.getTime() + d) / 1000) * 1000) };
  }
  s = DESCRIPTORS[s.toLowerCase()] ?? s;
  const parts = s.split(/\s+/);
  if (parts.length !== 5) throw new Error(`expected 5 fields: ${schedule}`);
  const [min, hour, dom, month, dow] = [
    parseField(parts[0], MINUTE),
    parseField(parts[1], HOUR),
    parseField(parts[2], DOM),
    parseField(parts[3], MONTH),
    parseField(parts[4], DOW),
  ];
  const dayMatches = (d: Date) => {
    const a = dom.set.has(d.getUTCDate());
    const b = dow.set.has(d.getUTCDay());
    return dom.star || dow.star ? a && b : a || b;
  };
  return {
    next(after) {
      const afterMs = after.getTime();
      let w = Math.floor(wallClock(afterMs, timeZone) / 60_000) * 60_000 + 60_000;
      const limit = w + 5 * 366 * 86_400_000;
      while (w < limit) {
        const d = new Date(w);
        if (!month.set.has(d.getUTCMonth() + 1)) {
          w = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
        } else if (!dayMatches(d)) {
          w = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
        } else if (!hour.set.has(d.getUTCHours())) {
          w = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
        } else if (!min.set.has(d.getUTCMinutes())) {
          w += 60_000;
        } else {
          const instant = fromWall(w, timeZone);
          // Skipped by a DST jump forward, or already past in a repeated hour: keep looking.
          if (instant > afterMs && Math.floor(wallClock(instant, timeZone) / 60_000) * 60_000 === w) return new Date(instant);
          w += 60_000;
        }
      }
      return undefined;
    },
  };
}
