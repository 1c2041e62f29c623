// Query parameters and Accept negotiation shared by the resource handlers.
import type { IncomingMessage } from 'node:http';
import { errors } from './status';
import { parseBool } from '../apimachinery/parse-bool';
import type { IncludeObject } from './table';

export function wantsTable(req: IncomingMessage): boolean {
  const accept = String(req.headers.accept ?? '');
  return /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function includeObjectParam(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw errors.badRequest(`includeObject parameter unsupported: ${v}`);
}

export function isDryRun(q: URLSearchParams): boolean {
  const values = q.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw errors.badRequest(`Invalid dryRun: ${v}: supported values: "All"`);
  return values.length > 0;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** An int64 query parameter as Go's strconv.ParseInt reads it (decimal digits, optional sign, in range). */
export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d{1,20}$/.test(v))
    throw errors.badRequest(`invalid value for ${name}: strconv.ParseInt: parsing ${JSON.stringify(v.slice(0, 100))}: invalid syntax`);
  const big = BigInt(v);
  if (big < INT64_MIN || big > INT64_MAX) {
    throw errors.badRequest(`invalid value for ${name}: strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  }
  // Beyond 2^53 a JS number cannot hold it exactly; such values mean "huge" wherever they are used.
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(Number.MIN_SAFE_INTEGER, Number(big)));
}

/** Every boolean query parameter goes through here: Go's strconv.ParseBool spellings; absent or empty = undefined. */
export function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const b = parseBool(v);
  if (b === undefined)
    throw errors.badRequest(`invalid boolean value for ${name}: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
  return b;
}
