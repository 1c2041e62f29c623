// Reusable validation: the name, label and annotation rules every kind shares, and the
// ObjectMeta checks the API server runs for each write. Messages match apimachinery's.
import type { FieldError, KubeObject, OwnerReference } from '../types';
import { child, forbidden, index, invalid, required, tooLong, notSupported } from './field-errors';
import { goStringSlice, goRaw } from '../go-format';
import { QUANTITY_ERROR, isQuantity } from '../../apimachinery/quantity';
import { isDNS1123Label, isQualifiedName, isValidLabelValue, validateName, type NameKind } from '../../apimachinery/validation-strings';
import type { LabelSelector, LabelSelectorRequirement } from '../../apimachinery/selectors';

export * from './field-errors';
export * from '../../apimachinery/validation-strings';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
export const FIELD_IMMUTABLE = 'field is immutable';

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries((labels ?? {}) as Record<string, unknown>)) {
    for (const m of isQualifiedName(k)) errs.push(invalid(path, k, m));
    for (const m of isValidLabelValue(String(v ?? ''))) errs.push(invalid(path, String(v ?? ''), m));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries((annotations ?? {}) as Record<string, unknown>)) {
    // Annotation keys are qualified names, compared case-insensitively.
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, m));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ''));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReferences(refs: Partial<OwnerReference>[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let controller = '';
  for (const ref of refs ?? []) {
    const version =
      String(ref.apiVersion ?? '')
        .split('/')
        .pop() ?? '';
    if (!version) errs.push(invalid(child(path, 'apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(invalid(child(path, 'kind'), ref.kind ?? '', 'must not be empty'));
    if (!ref.name) errs.push(invalid(child(path, 'name'), ref.name ?? '', 'must not be empty'));
    if (!ref.uid) errs.push(invalid(child(path, 'uid'), ref.uid ?? '', 'must not be empty'));
    if (ref.controller === true) {
      const cur = `${ref.kind}/${ref.name}`;
      if (controller)
        errs.push(
          invalid(
            path,
            goRaw('[]v1.OwnerReference{...}'),
            `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${cur}`,
          ),
        );
      else controller = cur;
    }
  }
  return errs;
}

/**
 * The ObjectMeta checks every create runs (apimachinery's ValidateObjectMeta): name or
 * generateName, namespace presence, labels, annotations, owner references and finalizers.
 */
export function validateObjectMeta(obj: KubeObject, namespaced: boolean, nameKind: NameKind): FieldError[] {
  const meta = obj.metadata ?? {};
  const errs: FieldError[] = [];
  if (meta.generateName) {
    for (const m of validateName(meta.generateName, nameKind, true)) errs.push(invalid('metadata.generateName', meta.generateName, m));
  }
  if (!meta.name) errs.push(required('metadata.name', 'name or generateName is required'));
  else for (const m of validateName(meta.name, nameKind)) errs.push(invalid('metadata.name', meta.name, m));
  if (namespaced) {
    if (!meta.namespace) errs.push(required('metadata.namespace'));
    else for (const m of isDNS1123Label(meta.namespace)) errs.push(invalid('metadata.namespace', meta.namespace, m));
  } else if (meta.namespace) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (typeof meta.generation === 'number' && meta.generation < 0) {
    errs.push(invalid('metadata.generation', meta.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(meta.ownerReferences, 'metadata.ownerReferences'));
  const finalizers: string[] = meta.finalizers ?? [];
  for (const f of finalizers) for (const m of isQualifiedName(f)) errs.push(invalid('metadata.finalizers', f, m));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalid('metadata.finalizers', goStringSlice(finalizers), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** Metadata rules on update: identity fields are immutable, no new finalizers while deleting. */
export function validateObjectMetaUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const m = obj.metadata ?? {};
  const o = old.metadata ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const extra = (m.finalizers ?? []).filter((f: string) => !(o.finalizers ?? []).includes(f)).sort();
    if (extra.length)
      errs.push(
        forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`,
        ),
      );
  }
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds']) {
    if ((m[f] ?? null) !== (o[f] ?? null)) errs.push(invalid(`metadata.${f}`, m[f] ?? '', FIELD_IMMUTABLE));
  }
  if ((m.generation ?? 0) < (o.generation ?? 0)) errs.push(invalid('metadata.generation', m.generation ?? 0, 'must not be decremented'));
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences, 'metadata.ownerReferences'));
  return errs;
}

/** matchLabels/matchExpressions syntax of a LabelSelector. */
export function validateLabelSelector(sel: LabelSelector | null | undefined, path: string): FieldError[] {
  if (!sel) return [];
  const errs: FieldError[] = validateLabels(sel.matchLabels, child(path, 'matchLabels'));
  (sel.matchExpressions ?? []).forEach((req: Partial<LabelSelectorRequirement>, i: number) => {
    const p = index(child(path, 'matchExpressions'), i);
    const values: unknown[] = req.values ?? [];
    if (req.operator === 'In' || req.operator === 'NotIn') {
      if (values.length === 0) errs.push(required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (req.operator === 'Exists' || req.operator === 'DoesNotExist') {
      if (values.length > 0) errs.push(forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(invalid(child(p, 'operator'), req.operator ?? '', 'not a valid selector operator'));
    }
    for (const m of isQualifiedName(String(req.key ?? ''))) errs.push(invalid(child(p, 'key'), req.key ?? '', m));
  });
  return errs;
}

/** A LabelSelector as written: its expressions are read defensively (an unknown operator selects). */
type SelectorAsWritten = { matchLabels?: Record<string, string>; matchExpressions?: readonly unknown[] };

/** True when a LabelSelector selects the given labels (an empty selector selects everything). */
export function selectorMatches(sel: SelectorAsWritten | null | undefined, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const expr of sel?.matchExpressions ?? []) {
    const req = (expr ?? {}) as Partial<LabelSelectorRequirement>;
    const key = String(req.key);
    const has = Object.prototype.hasOwnProperty.call(l, key);
    const values: string[] = req.values ?? [];
    if (req.operator === 'In' && !(has && values.includes(l[key]))) return false;
    if (req.operator === 'NotIn' && has && values.includes(l[key])) return false;
    if (req.operator === 'Exists' && !has) return false;
    if (req.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

export function nonNegative(path: string, value: unknown): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(path, value, 'must be greater than or equal to 0')] : [];
}

export function validateQuantity(path: string, value: unknown): FieldError[] {
  if (!isQuantity(value)) return [invalid(path, String(value), QUANTITY_ERROR)];
  return [];
}

export function oneOf(path: string, value: unknown, allowed: string[]): FieldError[] {
  return value === undefined || allowed.includes(value as string) ? [] : [notSupported(path, value, allowed)];
}

/** Stable JSON (sorted keys, undefined fields left out) for deep comparisons and hashes of plain objects. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** Whether stableJson(a) === stableJson(b), without building either string (a CRD's schema
 *  compared that way took ~60 ms): undefined members are absent, undefined and null are alike. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ao = typeof a === 'object' && a !== null;
  const bo = typeof b === 'object' && b !== null;
  if (!ao || !bo) return !ao && !bo && JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const k of Object.keys(x)) {
    if (x[k] === undefined) continue;
    defined++;
    if (!Object.hasOwn(y, k) || y[k] === undefined || !deepEqual(x[k], y[k])) return false;
  }
  for (const k of Object.keys(y)) if (y[k] !== undefined) defined--;
  return defined === 0;
}

/** An IntOrString that is a count (not negative) or a percentage up to 100% (maxUnavailable, minAvailable). */
export function validateIntOrPercent(value: unknown, path: string): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === 'number') return nonNegative(path, value);
  const m = /^([0-9]+)%$/.exec(String(value));
  if (!m)
    return [
      invalid(
        path,
        String(value),
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    ];
  return Number(m[1]) > 100 ? [invalid(path, String(value), 'must not be greater than 100%')] : [];
}
