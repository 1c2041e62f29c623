// fieldValidation=Strict|Warn|Ignore: unknown fields are an error, a warning, or silently
// dropped; wrong JSON types are always a 400, as kube-apiserver decodes into typed structs.
import type { KindDef, KubeObject } from '../kinds/types';
import { errors } from './status';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface ObjectChecker {
  check(model: string, obj: unknown): { unknownFields: string[]; typeErrors: { path: string; message: string }[] };
}

export function parseFieldValidation(v: string | null): FieldValidation {
  if (v === null || v === '' || v === 'Warn') return 'Warn';
  if (v === 'Strict' || v === 'Ignore') return v;
  throw errors.badRequest(`fieldValidation parameter unsupported: ${v}`);
}

/** Checks `obj` against the kind's schema; drops unknown fields; returns warnings. */
export function enforceSchema(checker: ObjectChecker, def: KindDef, obj: KubeObject, mode: FieldValidation): string[] {
  const { unknownFields, typeErrors } = def.unknownFields ? customReport(checker, def, obj) : checker.check(def.model, obj);
  const handled = `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}`;
  if (typeErrors.length) throw errors.badRequest(`${handled}: ${typeErrors[0].message}`);
  if (!unknownFields.length) return [];
  if (mode === 'Strict') {
    const list = unknownFields.map((f) => `unknown field "${f}"`);
    throw errors.badRequest(`${handled}: strict decoding error: ${list.join(', ')}`);
  }
  for (const path of unknownFields) deletePath(obj, path);
  return mode === 'Warn' ? unknownFields.map((f) => `unknown field "${f}"`) : [];
}

/** Custom resources: metadata decodes as ObjectMeta; the rest is pruned by the CRD's schema
 *  (type errors there are validation errors, 422, reported later). */
function customReport(checker: ObjectChecker, def: KindDef, obj: KubeObject) {
  const meta = obj.metadata && typeof obj.metadata === 'object' ? checker.check('V1ObjectMeta', obj.metadata) : undefined;
  return {
    unknownFields: [...(meta?.unknownFields ?? []).map((f) => `metadata.${f}`), ...def.unknownFields!(obj)],
    typeErrors: meta?.typeErrors ?? [],
  };
}

/** Deletes `a.b[2].c` from an object. */
export function deletePath(obj: unknown, path: string): void {
  const steps: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return;
    if (m[1]) steps.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) steps.push(Number(idx[1]));
  }
  type Node = Record<string | number, unknown>;
  let cur: unknown = obj;
  for (let i = 0; i < steps.length - 1; i++) {
    cur = cur == null ? undefined : (cur as Node)[steps[i]];
    if (cur === undefined || cur === null || typeof cur !== 'object') return;
  }
  if (cur && typeof cur === 'object') delete (cur as Node)[steps[steps.length - 1]];
}
