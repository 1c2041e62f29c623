// What server-side apply needs to know about a value's shape (structured-merge-diff's schema,
// cut down): structs merge field by field, maps key by key, lists by their list type; atomic
// values are owned and replaced whole. Built from a kind's schema by schema-adapters.ts.
import { isObject } from '../json-value';

export type ApplyType =
  | {
      kind: 'struct';
      /** A declared field's type; undefined for a field the schema does not declare. */
      field(name: string): ApplyType | undefined;
      /** x-kubernetes-map-type / structType atomic. */
      atomic?: boolean;
    }
  | { kind: 'map'; values: ApplyType; atomic?: boolean }
  | {
      kind: 'list';
      listType: 'atomic' | 'set' | 'map';
      keys: readonly string[];
      items: ApplyType;
      /** Values of key fields an item may omit (upstream reads them from the schema's defaults). */
      keyDefaults?: Readonly<Record<string, unknown>>;
    }
  | { kind: 'scalar' }
  /** No schema: objects are granular maps of deduced values, lists atomic (upstream's deduced type). */
  | { kind: 'deduced' };

export const SCALAR: ApplyType = { kind: 'scalar' };
export const DEDUCED: ApplyType = { kind: 'deduced' };
const DEDUCED_MAP: ApplyType = { kind: 'map', values: DEDUCED };
const ATOMIC_LIST: ApplyType = { kind: 'list', listType: 'atomic', keys: [], items: DEDUCED };

/** A deduced type made concrete by the value it describes. */
export function resolveType(t: ApplyType, value: unknown): ApplyType {
  if (t.kind !== 'deduced') return t;
  if (isObject(value)) return DEDUCED_MAP;
  if (Array.isArray(value)) return ATOMIC_LIST;
  return SCALAR;
}

/** The type of `name` inside a struct or map; `declared` says whether the schema names it. */
export function childType(t: ApplyType, name: string): { type: ApplyType; declared: boolean } {
  if (t.kind === 'struct') {
    const f = t.field(name);
    return f ? { type: f, declared: true } : { type: DEDUCED, declared: false };
  }
  if (t.kind === 'map') return { type: t.values, declared: false };
  return { type: DEDUCED, declared: false };
}

/** Whether values of this type are owned and replaced as a whole. */
export function isAtomic(t: ApplyType): boolean {
  if (t.kind === 'scalar') return true;
  if (t.kind === 'list') return t.listType === 'atomic';
  if (t.kind === 'struct' || t.kind === 'map') return Boolean(t.atomic);
  return false;
}
