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

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw errors.badRequest(`invalid value for ${name}: ${v}`);
  return n;
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
