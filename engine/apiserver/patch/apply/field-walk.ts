// Field sets of values and the differences between two values, with structured-merge-diff's
// rules: scalars, atomic values, list items, nulls, empty maps and map entries (fields the schema
// does not declare) are members; a declared field holding a non-empty struct is only a parent.
import { PatchError } from '../errors';
import { isObject, hasKey, type JsonObject } from '../json-value';
import { type ApplyType, childType, isAtomic, resolveType } from './apply-type';
import { FieldSet, canonicalJson } from './field-set';

/** The path element naming a list item (`k:` by the list's keys, `v:` by value for sets). */
export function itemElement(t: Extract<ApplyType, { kind: 'list' }>, item: unknown, index: number, path: readonly string[]): string {
  if (t.listType === 'map') {
    if (!isObject(item)) throw listError(path, index, 'associative list with keys has an element that is not a map');
    const key: JsonObject = {};
    for (const k of t.keys) {
      if ((!hasKey(item, k) || item[k] === null) && t.keyDefaults && hasKey(t.keyDefaults, k)) {
        key[k] = t.keyDefaults[k];
        continue;
      }
      if (!hasKey(item, k) || item[k] === null) {
        throw listError(
          path,
          index,
          `associative list with keys has an element that omits key field "${k}" (and doesn't have default value)`,
        );
      }
      key[k] = item[k];
    }
    return `k:${canonicalJson(key)}`;
  }
  if (t.listType === 'set') return `v:${canonicalJson(item)}`;
  return `i:${index}`;
}

function listError(path: readonly string[], index: number, message: string): PatchError {
  const where = path.map((el) => (el.startsWith('f:') ? `.${el.slice(2)}` : `[${el.slice(2)}]`)).join('');
  return PatchError.badRequest(`${where}: element ${index}: ${message}`);
}

/** The set of fields `value` sets, below `path` (upstream's ToFieldSet). */
export function toFieldSet(t: ApplyType, value: unknown, path: string[] = [], out = new FieldSet()): FieldSet {
  walk(t, value, path, out, false);
  return out;
}

/**
 * What an Update creating `value` owns, in one walk: toFieldSet(t, value) with the maps
 * newMaps(t, {}, value) adds (every non-empty map below the root) as members. Every object is
 * created, so this saves a second walk and a copy of the whole set (record-create.test.ts keeps
 * it equal to the general path).
 */
export function createdFieldSet(t: ApplyType, value: unknown): FieldSet {
  const out = new FieldSet();
  walk(t, value, [], out, true);
  return out;
}

function walk(t0: ApplyType, value: unknown, path: string[], out: FieldSet, maps: boolean): void {
  const t = resolveType(t0, value);
  if (isAtomic(t) || value === null || value === undefined) {
    out.insert(path);
    return;
  }
  if (t.kind === 'list') {
    if (!Array.isArray(value)) return out.insert(path);
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const el = itemElement(t, item, i, path);
      if (seen.has(el) && t.listType === 'map') throw listError(path, i, `duplicate entries for key ${el.slice(2)}`);
      seen.add(el);
      const p = [...path, el];
      walk(t.items, item, p, out, maps);
      out.insert(p);
    });
    return;
  }
  if (!isObject(value)) return out.insert(path);
  const keys = Object.keys(value);
  if (maps && t.kind === 'map' && path.length && keys.length) out.insert(path);
  for (const key of keys) {
    const v = value[key];
    const { type, declared } = childType(t, key);
    const p = [...path, `f:${key}`];
    walk(type, v, p, out, maps);
    if (v === null || (isObject(v) && Object.keys(v).length === 0) || !declared) out.insert(p);
  }
}

/** Looks up children of `value` by path element; list items are indexed once. */
export function childLookup(value: unknown, t: ApplyType): (el: string) => unknown {
  if (!Array.isArray(value))
    return (el) => (el[0] === 'f' && isObject(value) && hasKey(value, el.slice(2)) ? value[el.slice(2)] : undefined);
  const lt = resolveType(t, value);
  let index: Map<string, unknown> | undefined;
  return (el) => {
    if (el[0] === 'i') return value[Number(el.slice(2))] as unknown;
    if (lt.kind !== 'list' || el[0] === 'f') return undefined;
    if (!index) {
      index = new Map();
      value.forEach((item, i) => {
        try {
          index!.set(itemElement(lt, item, i, []), item);
        } catch {
          // an item without its key cannot be named by a path
        }
      });
    }
    return index.get(el);
  };
}

/** The type below one path element. */
export function typeBelow(t0: ApplyType, value: unknown, el: string): ApplyType {
  const t = resolveType(t0, value);
  if (el[0] === 'f') return childType(t, el.slice(2)).type;
  return t.kind === 'list' ? t.items : t;
}

/**
 * Maps in `b` that `a` did not have, as members: upstream's Update entries own the map itself
 * (`f:labels: {".": {}, ...}`) besides its entries when a write creates it. Only the top-level
 * fields `keeps` names are walked (a status write's caller drops the rest: its spec need not be read).
 */
export function newMaps(t0: ApplyType, a: unknown, b: unknown, keeps?: (el: string) => boolean): FieldSet {
  const out = new FieldSet();
  walkNewMaps(t0, a, b, [], out, keeps);
  return out;
}

function walkNewMaps(t0: ApplyType, a: unknown, b: unknown, path: string[], out: FieldSet, keeps?: (el: string) => boolean): void {
  const t = resolveType(t0, b);
  if (isAtomic(t) || b === null || typeof b !== 'object') return;
  if (t.kind === 'map' && a === undefined && Object.keys(b).length) out.insert(path);
  if (t.kind === 'list') {
    if (!Array.isArray(b)) return;
    const lookup = childLookup(a, t);
    b.forEach((item, i) => {
      let el: string;
      try {
        el = itemElement(t, item, i, path);
      } catch {
        return;
      }
      walkNewMaps(t.items, lookup(el), item, [...path, el], out);
    });
    return;
  }
  if (!isObject(b)) return;
  const from = isObject(a) ? a : undefined;
  for (const key of Object.keys(b)) {
    if (keeps && !keeps(`f:${key}`)) continue;
    walkNewMaps(childType(t, key).type, from && hasKey(from, key) ? from[key] : undefined, b[key], [...path, `f:${key}`], out);
  }
}
