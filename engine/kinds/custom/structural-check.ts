// Whether a CRD version's schema is structural, as apiextensions/v1 requires on create and
// update: every specified field has a type (unless x-kubernetes-int-or-string or
// x-kubernetes-preserve-unknown-fields says otherwise), the root is an object, arrays say what
// their items are. Paths and wording follow upstream
// (`...openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields`).
import type { FieldError } from '../types';
import { invalid, required } from '../validation/field-errors';
import { isPlainObject, type StructuralSchema } from './structural-schema';

export function checkStructural(schema: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isPlainObject(schema)) return errs;
  const s = schema as StructuralSchema;
  if (!s.type && !s['x-kubernetes-preserve-unknown-fields']) errs.push(required(`${path}.type`, 'must not be empty at the root'));
  else if (s.type && s.type !== 'object') errs.push(invalid(`${path}.type`, s.type, 'must be object at the root'));
  walk(s, path, errs);
  return errs;
}

function walk(s: StructuralSchema, path: string, errs: FieldError[]): void {
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    const p = `${path}.properties[${name}]`;
    if (!isPlainObject(child)) continue;
    if (untyped(child)) errs.push(required(`${p}.type`, 'must not be empty for specified object fields'));
    walk(child, p, errs);
  }
  if (s.type === 'array' && !s.items) errs.push(required(`${path}.items`, 'must be specified'));
  if (isPlainObject(s.items)) {
    if (untyped(s.items)) errs.push(required(`${path}.items.type`, 'must not be empty for specified array items'));
    walk(s.items, `${path}.items`, errs);
  }
  if (isPlainObject(s.additionalProperties)) {
    const p = `${path}.additionalProperties`;
    if (untyped(s.additionalProperties)) errs.push(required(`${p}.type`, 'must not be empty for specified object fields'));
    walk(s.additionalProperties, p, errs);
    if (s.properties && Object.keys(s.properties).length) errs.push(forbiddenBoth(path));
  }
}

function untyped(s: StructuralSchema): boolean {
  return !s.type && !s['x-kubernetes-int-or-string'] && !s['x-kubernetes-preserve-unknown-fields'];
}

function forbiddenBoth(path: string): FieldError {
  return {
    field: `${path}.additionalProperties`,
    reason: 'FieldValueForbidden',
    message: 'Forbidden: additionalProperties and properties are mutual exclusive',
  };
}
