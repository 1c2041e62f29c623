// Syntax check for CronJob schedules: the five standard fields or a predefined "@hourly"-style
// descriptor, with error texts in the style of the cron parser Kubernetes uses.

interface FieldRange {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: FieldRange[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

function parseValue(text: string, f: FieldRange): number {
  const named = f.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (f.name === 'month' ? 1 : 0);
  if (!/^[0-9]+$/.test(text))
    throw new Error(`failed to parse int from ${text}: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  return Number(text);
}

function checkPart(part: string, f: FieldRange): void {
  const [rangeText, stepText, extra] = part.split('/');
  if (extra !== undefined) throw new Error(`too many slashes: ${part}`);
  let lo = f.min;
  let hi = f.max;
  if (rangeText !== '*' && rangeText !== '?') {
    const [a, b, more] = rangeText.split('-');
    if (more !== undefined) throw new Error(`too many hyphens: ${part}`);
    lo = parseValue(a, f);
    hi = b === undefined ? lo : parseValue(b, f);
  }
  if (stepText !== undefined) {
    const step = parseValue(stepText, f);
    if (step === 0) throw new Error(`step of range should be a positive number: ${part}`);
  }
  if (lo < f.min) throw new Error(`beginning of range (${lo}) below minimum (${f.min}): ${part}`);
  if (hi > f.max) throw new Error(`end of range (${hi}) above maximum (${f.max}): ${part}`);
  if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
}

/** Returns an error text for an invalid schedule, or undefined when it parses. */
export function cronScheduleError(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s.startsWith('@')) {
    if (DESCRIPTORS.includes(s)) return undefined;
    if (s.startsWith('@every '))
      return /^@every\s+([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(s) ? undefined : `failed to parse duration ${s}`;
    return `unrecognized descriptor: ${s}`;
  }
  const fields = s.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  try {
    fields.forEach((field, i) => field.split(',').forEach((part) => checkPart(part, FIELDS[i])));
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
