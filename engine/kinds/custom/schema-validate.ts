// Structural-schema validation of custom objects, worded as kube-apiserver words it (kube-openapi's
// validator through apiextensions' error conversion): `spec.replicas: Invalid value: "string":
// spec.replicas in body must be of type integer: "string"`, `spec.size: Unsupported value: "XL":
// supported values: "S", "M"`, `spec.name: Required value`, `spec.tags: Too many: 4: must have at most 3 items`.
import type { FieldError } from '../types';
import { invalid, notSupported, required, tooLong } from '../validation/field-errors';
import { goValue } from '../go-format';
import { ROOT_META, childPath, isPlainObject, jsonType, type StructuralSchema } from './structural-schema';

/** Validates a whole custom object (apiVersion, kind and metadata are checked elsewhere). */
export function validateCustomObject(schema: StructuralSchema | undefined, obj: Record<string, unknown>): FieldError[] {
  if (!schema) return [];
  const errs: FieldError[] = [];
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!ROOT_META.has(k)) body[k] = v;
  const rootSchema = { ...schema, properties: { ...(schema.properties ?? {}) } };
  for (const k of ROOT_META) delete rootSchema.properties[k];
  rootSchema.required = (schema.required ?? []).filter((r) => !ROOT_META.has(r));
  validateValue(rootSchema, body, '', errs);
  return errs;
}

function typeError(path: string, v: unknown, want: string): FieldError {
  const actual = jsonType(v);
  return {
    field: path,
    reason: 'FieldValueTypeInvalid',
    message: `Invalid value: ${JSON.stringify(actual)}: ${path} in body must be of type ${want}: ${JSON.stringify(actual)}`,
  };
}

function typeMatches(s: StructuralSchema, v: unknown): boolean {
  const t = jsonType(v);
  if (s['x-kubernetes-int-or-string']) return t === 'integer' || t === 'string';
  switch (s.type) {
    case undefined:
    case '':
      return true;
    case 'number':
      return t === 'number' || t === 'integer';
    default:
      return s.type === t;
  }
}

function validateValue(s: StructuralSchema, v: unknown, path: string, errs: FieldError[]): void {
  if (v === null && s.nullable) return;
  if (!typeMatches(s, v)) {
    errs.push(typeError(path, v, s['x-kubernetes-int-or-string'] ? 'integer,string' : s.type!));
    return;
  }
  if (s.enum && !s.enum.some((e) => sameJson(e, v))) {
    const values = s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
    errs.push(notSupported(path, v, values));
  }
  const bad = (detail: string, shown: unknown = v) => errs.push(invalid(path, shown, `${path} in body ${detail}`));
  if (typeof v === 'string') {
    const len = [...v].length;
    if (s.maxLength !== undefined && len > s.maxLength) errs.push(tooLong(path, s.maxLength));
    if (s.minLength !== undefined && len < s.minLength) bad(`should be at least ${s.minLength} chars long`);
    if (s.pattern !== undefined && !patternMatches(s.pattern, v)) bad(`should match '${s.pattern}'`);
    if (s.format && FORMATS[s.format] && !FORMATS[s.format].test(v)) bad(`must be of type ${s.format}: ${JSON.stringify(v)}`);
  }
  if (typeof v === 'number') {
    if (s.maximum !== undefined) {
      if (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)
        bad(`should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${goNumber(s.maximum)}`);
    }
    if (s.minimum !== undefined) {
      if (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)
        bad(`should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${goNumber(s.minimum)}`);
    }
    if (s.multipleOf && !Number.isInteger(v / s.multipleOf)) bad(`should be a multiple of ${goNumber(s.multipleOf)}`);
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems)
      errs.push({ field: path, reason: 'FieldValueTooMany', message: `Too many: ${v.length}: must have at most ${s.maxItems} items` });
    if (s.minItems !== undefined && v.length < s.minItems) bad(`should have at least ${s.minItems} items`, v.length);
    if (s.uniqueItems && new Set(v.map((x) => JSON.stringify(x))).size !== v.length)
      errs.push({ field: path, reason: 'FieldValueDuplicate', message: `Duplicate value: ${goValue(v[0])}` });
    if (s.items) v.forEach((item, i) => validateValue(s.items!, item, `${path}[${i}]`, errs));
    errs.push(...listTypeErrors(s, v, path));
  }
  if (isPlainObject(v)) {
    const n = Object.keys(v).length;
    if (s.maxProperties !== undefined && n > s.maxProperties) bad(`should have at most ${s.maxProperties} properties`, n);
    if (s.minProperties !== undefined && n < s.minProperties) bad(`should have at least ${s.minProperties} properties`, n);
    for (const r of s.required ?? []) if (v[r] === undefined) errs.push(required(childPath(path, r)));
    for (const [k, child] of Object.entries(v)) {
      const ps = s.properties?.[k];
      if (ps) validateValue(ps, child, childPath(path, k), errs);
      else if (isPlainObject(s.additionalProperties)) validateValue(s.additionalProperties, child, childPath(path, k), errs);
    }
  }
  for (const sub of s.allOf ?? []) validateValue(sub, v, path, errs);
  if (s.anyOf?.length && !s.anyOf.some((sub) => quiet(sub, v, path))) bad('must validate at least one schema (anyOf)');
  if (s.oneOf?.length) {
    const n = s.oneOf.filter((sub) => quiet(sub, v, path)).length;
    if (n !== 1) bad('must validate one and only one schema (oneOf)');
  }
  if (s.not && quiet(s.not, v, path)) bad('must not validate the schema (not)');
}

/** anyOf/oneOf/not branches only say yes or no; their own errors are not reported. */
function quiet(s: StructuralSchema, v: unknown, path: string): boolean {
  const errs: FieldError[] = [];
  validateValue(s, v, path, errs);
  return errs.length === 0;
}

/** x-kubernetes-list-type set: items unique; map: items unique by their map keys. */
function listTypeErrors(s: StructuralSchema, v: unknown[], path: string): FieldError[] {
  const type = s['x-kubernetes-list-type'];
  if (type !== 'set' && type !== 'map') return [];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const seen = new Set<string>();
  const out: FieldError[] = [];
  v.forEach((item, i) => {
    const key = type === 'set' ? JSON.stringify(item) : JSON.stringify(keys.map((k) => (isPlainObject(item) ? item[k] : undefined)));
    if (seen.has(key)) {
      const shown = type === 'set' ? goValue(item) : goMapValue(keys, item);
      out.push({ field: `${path}[${i}]`, reason: 'FieldValueDuplicate', message: `Duplicate value: ${shown}` });
    }
    seen.add(key);
  });
  return out;
}

/** The key fields of a map-list item as Go prints them: map[string]interface {}{"name":"http"}. */
function goMapValue(keys: string[], item: unknown): string {
  const o = isPlainObject(item) ? item : {};
  const parts = keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(o[k])}`);
  return `map[string]interface {}{${parts.join(', ')}}`;
}

// The string formats kube-openapi checks that custom resources use most.
const FORMATS: Record<string, RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  uuid: /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/,
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
};

const patterns = new Map<string, RegExp | null>();
function patternMatches(pattern: string, v: string): boolean {
  if (!patterns.has(pattern)) {
    let re: RegExp | null = null;
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      try {
        re = new RegExp(pattern);
      } catch {
        re = null;
      }
    }
    patterns.set(pattern, re);
  }
  const re = patterns.get(pattern);
  return re ? re.test(v) : true;
}

function goNumber(n: number): string {
  return String(n);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
